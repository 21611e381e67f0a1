/**
 * An audit row in words: the action's name, what it was about and its details, with money in the store's
 * currency (never bare fen), roles and yes/no in the screen's language, and ids that mean nothing to a person left out.
 */
import type { TFunction } from 'i18next';
import { AUDIT_MONEY_FIELDS } from '../../../src-common/audit-actions';
import { money } from '../../format';
import { fieldLabel } from '../../i18n/issues';

export interface AuditRowInput {
  readonly action: string;
  readonly subject: string | null;
  readonly details: Record<string, unknown>;
}

export interface AuditRowText {
  readonly action: string;
  readonly subject: string;
  readonly details: readonly { readonly label: string; readonly value: string }[];
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function auditRowText(t: TFunction, row: AuditRowInput, currency: string, language: string): AuditRowText {
  const label = (key: string) => t(`audit.details.${key}`, { defaultValue: '' }) || fieldLabel(t, key);

  const device = (d: Record<string, unknown>): string => {
    const transport = isRecord(d.transport) ? d.transport : {};
    const line =
      transport.kind === 'serial'
        ? `${String(transport.path)} ${String(transport.baudRate)}`
        : transport.kind === 'tcp'
          ? `${String(transport.host)}:${String(transport.port ?? 9100)}`
          : transport.kind === 'hid'
            ? 'USB HID'
            : '';
    return [t(`devices.roles.${String(d.role)}`, { defaultValue: String(d.role) }), String(d.id), line].filter(Boolean).join(' ');
  };

  const value = (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('audit.values.none');
    if (typeof v === 'boolean') return t(v ? 'audit.values.yes' : 'audit.values.no');
    if (typeof v === 'number') {
      if (AUDIT_MONEY_FIELDS.has(key)) return money(v, currency);
      if (key === 'bytes') return t('audit.bytes', { size: Math.max(1, Math.round(v / 1024)).toLocaleString(language) });
      return v.toLocaleString(language);
    }
    if (typeof v === 'string') {
      if (key === 'role' || key === 'from' || key === 'to') {
        const role = t(`roles.${v}`, { defaultValue: '' });
        if (role) return role;
      }
      const languageName = t(`audit.values.languages.${v}`, { defaultValue: '' });
      if (languageName && !v.includes('.')) return languageName;
      if (v === 'next start') return t('audit.values.nextStart');
      if (ISO_INSTANT.test(v)) return new Date(v).toLocaleString(language);
      return v;
    }
    if (Array.isArray(v)) return v.length ? v.map((item) => value(key, item)).join('、') : t('audit.values.none');
    if (isRecord(v)) {
      if ('role' in v && 'transport' in v) return device(v);
      if ('name' in v && 'rateBp' in v) return `${String(v.name)} ${Number(v.rateBp) / 100}%`;
      if ('from' in v && 'to' in v && Object.keys(v).length === 2) return `${value(key, v.from)} → ${value(key, v.to)}`;
      return Object.entries(v)
        .map(([k, inner]) => `${label(k)} ${value(k, inner)}`)
        .join('，');
    }
    return String(v);
  };

  const details: { label: string; value: string }[] = [];
  const { from, to, ...rest } = row.details;
  if ('from' in row.details || 'to' in row.details) details.push({ label: `${label('from')} → ${label('to')}`, value: `${value('from', from)} → ${value('to', to)}` });
  for (const [key, v] of Object.entries(rest)) {
    // Row ids (ULIDs) and entry numbers mean nothing on screen; the log keeps them.
    if ((typeof v === 'string' && ULID.test(v)) || key === 'requestSeq' || key === 'restoreId' || key === 'movementId') continue;
    details.push({ label: label(key), value: value(key, v) });
  }

  return { action: t(`audit.actions.${row.action}`, { defaultValue: row.action }), subject: subjectText(t, row, value), details };
}

function subjectText(t: TFunction, row: AuditRowInput, value: (key: string, v: unknown) => string): string {
  const subject = row.subject ?? '';
  const name = typeof row.details.name === 'string' ? row.details.name : '';
  if (row.action === 'settings.update') return fieldLabel(t, subject);
  if (row.action === 'report.takeZ') return t('audit.values.zReport', { no: subject });
  if (subject === 'drawer') return t('audit.values.drawer');
  if (subject === 'acquirer.baseUrl') return fieldLabel(t, 'baseUrl');
  if (subject === 'scaleLabel') return t('admin.scale.title');
  // A user's or a shift's id: the user's name when the row has it, else nothing.
  if (ULID.test(subject)) return name;
  return value('subject', subject);
}
