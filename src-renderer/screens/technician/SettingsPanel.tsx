import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src-common/contract';
import type { ApiError } from '../../../src-common/errors';
import { acquirerBaseUrlProblem, type AcquirerMode } from '../../../src-common/acquirer-endpoint';
import type { Settings } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import { fieldLabel, issuesOf, problemText } from '../../i18n/issues';
import '../../styles/admin.css';
import { ManagedByServerNote } from '../../components/SyncChip';

type AdminSettings = CallOutput<'admin.settings'>;
export type FieldErrors = Record<string, string>;

/** Per-field messages from a refused call: zod issues (`[{ path, message, code }]`) or one `{ reason, path }`. */
export function useFieldErrors(): (error: ApiError) => FieldErrors {
  const { t } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      const details = error.details as unknown[] | { reason?: string; path?: string } | undefined;
      if (Array.isArray(details)) {
        const out: FieldErrors = {};
        for (const d of issuesOf(error)) out[d.path] ??= problemText(t, d);
        return out;
      }
      if (details?.reason && details.path) return { [details.path]: t(`admin.invalid.${details.reason}`, { defaultValue: t(`errors.${error.code}`) }) };
      return {};
    },
    [t],
  );
}

/** One line for the top banner: the precise reason when main gave one, else the error code's message. */
export function useReasonText(): (error: ApiError) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      const details = error.details as { reason?: string; role?: string; fields?: string[] } | undefined;
      if (details && !Array.isArray(details) && details.reason) {
        const params = { role: details.role ? t(`roles.${details.role}`) : '', fields: (details.fields ?? []).map((f) => t(`issues.fields.${f}`, { defaultValue: f })).join('、') };
        const key = `admin.reasons.${details.reason}`;
        const text = t(key, { ...params, defaultValue: '' });
        if (text) return text;
        const invalid = t(`admin.invalid.${details.reason}`, { defaultValue: '' });
        if (invalid) return invalid;
      }
      return t(`errors.${error.code}`);
    },
    [t],
  );
}

/** Error text beside a field, or under a group of fields (`receiptHeader.2` shows under receiptHeader). */
export function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const { t } = useTranslation();
  const messages = Object.entries(errors).filter(([path]) => path === name || path.startsWith(`${name}.`));
  if (!messages.length) return null;
  return (
    <span className="field-error" data-testid={`field-error-${name}`}>
      {messages.map(([path, message]) => (path === name ? message : t('issues.line', { field: fieldLabel(t, path.slice(name.length + 1)), problem: message }))).join('；')}
    </span>
  );
}

/** "13" or "6.5" percent → basis points, without floating point; NaN when not a rate. */
export function percentToBp(text: string): number {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
const bpToPercent = (bp: number) => (bp % 100 === 0 ? String(bp / 100) : `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0').replace(/0$/, '')}`);

interface Form {
  storeName: string;
  storeAddress: string;
  taxId: string;
  currency: string;
  cashRounding: Settings['cashRounding'];
  language: Settings['language'];
  receiptLanguage: Settings['receiptLanguage'];
  kioskMode: boolean;
  timeZone: string;
  businessDayTurnsAtHour: string;
  lowStockThreshold: string;
  receiptHeader: string;
  receiptFooter: string;
  taxRates: { name: string; percent: string }[];
  tillName: string;
}

const formOf = (s: Settings): Form => ({
  storeName: s.storeName,
  storeAddress: s.storeAddress,
  taxId: s.taxId,
  currency: s.currency,
  cashRounding: s.cashRounding,
  language: s.language,
  receiptLanguage: s.receiptLanguage,
  kioskMode: s.kioskMode,
  timeZone: s.timeZone,
  businessDayTurnsAtHour: String(s.businessDayTurnsAtHour),
  lowStockThreshold: String(s.lowStockThreshold),
  receiptHeader: s.receiptHeader.join('\n'),
  receiptFooter: s.receiptFooter.join('\n'),
  taxRates: s.taxRates.map((r) => ({ name: r.name, percent: bpToPercent(r.rateBp) })),
  tillName: s.tillName,
});

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
const ROUNDING: Record<Settings['cashRounding'], string> = { none: 'none', 'nearest-0.1': 'nearest', 'down-0.1': 'down' };

export function SettingsPanel({ user, onError, onOk }: PanelProps) {
  const pos = usePos();
  const { t } = useTranslation();
  const toFieldErrors = useFieldErrors();
  const reasonText = useReasonText();
  const [view, setView] = useState<AdminSettings | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await pos.call('admin.settings', {});
    if (!r.ok) return onError(r.error);
    setView(r.value);
    setForm(formOf(r.value.settings));
  }, [pos, onError]);
  useEffect(() => {
    void pos.call('admin.settings', {}).then((r) => {
      if (!r.ok) return onError(r.error);
      setView(r.value);
      setForm(formOf(r.value.settings));
    });
  }, [pos, onError]);

  if (!view || !form) return <section className="panel" data-testid="settings-panel" />;
  const editable = new Set(view.editable);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });

  const save = async () => {
    setMessage(null);
    const s = view.settings;
    const candidate: Record<string, unknown> = {
      storeName: form.storeName,
      storeAddress: form.storeAddress,
      taxId: form.taxId,
      currency: form.currency.trim().toUpperCase(),
      cashRounding: form.cashRounding,
      language: form.language,
      receiptLanguage: form.receiptLanguage,
      kioskMode: form.kioskMode,
      timeZone: form.timeZone.trim(),
      // Not a number stays text, so main names the field (hour_range) instead of it being dropped.
      businessDayTurnsAtHour: /^\s*\d{1,2}\s*$/.test(form.businessDayTurnsAtHour) ? Number(form.businessDayTurnsAtHour) : form.businessDayTurnsAtHour,
      lowStockThreshold: /^\s*\d{1,6}\s*$/.test(form.lowStockThreshold) ? Number(form.lowStockThreshold) : form.lowStockThreshold,
      receiptHeader: lines(form.receiptHeader),
      receiptFooter: lines(form.receiptFooter),
      taxRates: form.taxRates.map((r) => ({ name: r.name.trim(), rateBp: percentToBp(r.percent) })),
      tillName: form.tillName.trim(),
    };
    // Only what this user may change and did change; main checks both again.
    const patch = Object.fromEntries(
      Object.entries(candidate).filter(([key, value]) => editable.has(key) && JSON.stringify(value) !== JSON.stringify(s[key as keyof Settings])),
    );
    const badRate = (patch.taxRates as { rateBp: number }[] | undefined)?.findIndex((r) => Number.isNaN(r.rateBp)) ?? -1;
    if (badRate >= 0) return setErrors({ [`taxRates.${badRate}.rateBp`]: t('admin.invalid.rate_range') });
    if (Object.keys(patch).length === 0) {
      setErrors({});
      return setMessage(t('admin.settings.nothingChanged'));
    }
    const r = await pos.call('admin.updateSettings', patch);
    if (!r.ok) {
      setErrors(toFieldErrors(r.error));
      return onError(r.error, reasonText(r.error));
    }
    setErrors({});
    onOk();
    setMessage(t('admin.settings.saved', { fields: r.value.changed.map((f) => t(`admin.settings.${f}`)).join('、') }));
    setView({ ...view, settings: r.value.settings });
    setForm(formOf(r.value.settings));
  };

  const text = (key: 'storeName' | 'storeAddress' | 'taxId' | 'currency' | 'tillName' | 'lowStockThreshold', maxLength: number) => (
    <label>
      {t(`admin.settings.${key}`)}
      <input
        data-testid={`setting-${key}`}
        value={form[key]}
        maxLength={maxLength}
        disabled={!editable.has(key)}
        aria-invalid={errors[key] ? true : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      <FieldError errors={errors} name={key} />
    </label>
  );
  const area = (key: 'receiptHeader' | 'receiptFooter') => (
    <label>
      {t(`admin.settings.${key}`)}
      <textarea
        data-testid={`setting-${key}`}
        value={form[key]}
        disabled={!editable.has(key)}
        aria-invalid={Object.keys(errors).some((p) => p.startsWith(key)) ? true : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      <span className="note">{t('admin.settings.linesHint')}</span>
      <FieldError errors={errors} name={key} />
    </label>
  );

  return (
    <section className="panel admin" data-testid="settings-panel">
      <ManagedByServerNote />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        className="admin"
      >
        <fieldset>
          <legend>{t('admin.settings.store')}</legend>
          {user.role === 'owner' && <p className="note">{t('admin.settings.ownerNote')}</p>}
          <div className="grid">
            {text('storeName', 80)}
            {text('storeAddress', 100)}
            {text('taxId', 30)}
            {text('lowStockThreshold', 6)}
          </div>
          <div className="grid">
            {area('receiptHeader')}
            {area('receiptFooter')}
          </div>
          <div className="rates" data-testid="setting-taxRates">
            <strong>{t('admin.settings.taxRates')}</strong>
            <span className="note">{t('admin.settings.taxRatesHint')}</span>
            {form.taxRates.map((rate, i) => (
              <div className="rate" key={i}>
                <input
                  aria-label={t('admin.settings.rateName')}
                  value={rate.name}
                  disabled={!editable.has('taxRates')}
                  onChange={(e) => set('taxRates', form.taxRates.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
                />
                <input
                  aria-label={t('admin.settings.ratePercent')}
                  inputMode="decimal"
                  value={rate.percent}
                  disabled={!editable.has('taxRates')}
                  onChange={(e) => set('taxRates', form.taxRates.map((r, j) => (j === i ? { ...r, percent: e.target.value } : r)))}
                />
                <span>%</span>
                {editable.has('taxRates') && (
                  <button type="button" onClick={() => set('taxRates', form.taxRates.filter((_, j) => j !== i))}>
                    {t('admin.settings.remove')}
                  </button>
                )}
                <FieldError errors={errors} name={`taxRates.${i}`} />
              </div>
            ))}
            {editable.has('taxRates') && (
              <div>
                <button type="button" onClick={() => set('taxRates', [...form.taxRates, { name: '', percent: '' }])}>
                  {t('admin.settings.addRate')}
                </button>
              </div>
            )}
            <FieldError errors={Object.fromEntries(Object.entries(errors).filter(([p]) => p === 'taxRates'))} name="taxRates" />
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('admin.settings.terminal')}</legend>
          {!editable.has('currency') && <p className="note">{t('admin.settings.readOnly')}</p>}
          <div className="grid">
            {text('currency', 8)}
            {text('tillName', 16)}
            <label>
              {t('admin.settings.cashRounding')}
              <select
                data-testid="setting-cashRounding"
                value={form.cashRounding}
                disabled={!editable.has('cashRounding')}
                onChange={(e) => set('cashRounding', e.target.value as Settings['cashRounding'])}
              >
                {(Object.keys(ROUNDING) as Settings['cashRounding'][]).map((r) => (
                  <option key={r} value={r}>
                    {t(`admin.settings.rounding.${ROUNDING[r]}`)}
                  </option>
                ))}
              </select>
              <FieldError errors={errors} name="cashRounding" />
            </label>
            <label>
              {t('admin.settings.language')}
              <select data-testid="setting-language" value={form.language} disabled={!editable.has('language')} onChange={(e) => set('language', e.target.value as Settings['language'])}>
                <option value="zh-CN">简体中文</option>
                <option value="en">English</option>
              </select>
            </label>
            <label>
              {t('admin.settings.receiptLanguage')}
              <select
                data-testid="setting-receiptLanguage"
                value={form.receiptLanguage}
                disabled={!editable.has('receiptLanguage')}
                onChange={(e) => set('receiptLanguage', e.target.value as Settings['receiptLanguage'])}
              >
                <option value="zh-CN">简体中文</option>
                <option value="en">English</option>
              </select>
            </label>
            <label className="inline">
              <input
                type="checkbox"
                data-testid="setting-kioskMode"
                checked={form.kioskMode}
                disabled={!editable.has('kioskMode')}
                onChange={(e) => set('kioskMode', e.target.checked)}
              />
              {t('admin.settings.kioskMode')}
            </label>
            <label>
              {t('admin.settings.timeZone')}
              <input
                data-testid="setting-timeZone"
                size={24}
                maxLength={64}
                value={form.timeZone}
                disabled={!editable.has('timeZone')}
                aria-invalid={errors.timeZone ? true : undefined}
                onChange={(e) => set('timeZone', e.target.value)}
              />
              <FieldError errors={errors} name="timeZone" />
            </label>
            <label>
              {t('admin.settings.businessDayTurnsAtHour')}
              <input
                data-testid="setting-businessDayTurnsAtHour"
                inputMode="numeric"
                size={3}
                maxLength={2}
                value={form.businessDayTurnsAtHour}
                disabled={!editable.has('businessDayTurnsAtHour')}
                aria-invalid={errors.businessDayTurnsAtHour ? true : undefined}
                onChange={(e) => set('businessDayTurnsAtHour', e.target.value)}
              />
              <FieldError errors={errors} name="businessDayTurnsAtHour" />
            </label>
          </div>
          <p className="note">{t('admin.settings.businessDayHint')}</p>
        </fieldset>

        <div className="row">
          <button type="submit" className="primary" data-testid="settings-save">
            {t('admin.settings.save')}
          </button>
          {message && (
            <span className="ok" data-testid="settings-message" role="status">
              {message}
            </span>
          )}
        </div>
      </form>
      {user.role === 'technician' && <ScaleLabelSection view={view} onChanged={load} onError={onError} />}
      {user.role === 'technician' && <AcquirerSection view={view} onChanged={load} onError={onError} />}
    </section>
  );
}

function AcquirerSection({ view, onChanged, onError }: { view: AdminSettings; onChanged: () => Promise<void>; onError: PanelProps['onError'] }) {
  const pos = usePos();
  const { t } = useTranslation();
  const toFieldErrors = useFieldErrors();
  const reasonText = useReasonText();
  const { acquirer, enrolment } = view;
  const [mode, setMode] = useState<AcquirerMode>(acquirer.configuredMode);
  const [baseUrl, setBaseUrl] = useState(acquirer.configuredBaseUrl ?? '');
  // The vendor's identity and the code are typed for one activation; the key and the code are cleared once sent.
  const [vendorSn, setVendorSn] = useState(acquirer.vendorSn ?? '');
  const [appId, setAppId] = useState(acquirer.appId ?? '');
  const [vendorKey, setVendorKey] = useState('');
  const [code, setCode] = useState('');
  const [enrolling, setEnrolling] = useState(false);
  const [enrolProblem, setEnrolProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<CallOutput<'admin.networkTest'> | null>(null);
  const live = acquirer.mode === 'live';
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

  const saveEndpoint = async () => {
    // The same rule main applies (live = https only), shown before anything is sent.
    const problem = acquirerBaseUrlProblem(mode, baseUrl.trim() || null);
    if (problem) return setErrors({ baseUrl: t(`admin.invalid.${problem}`) });
    const r = await pos.call('admin.setAcquirerEndpoint', { mode, baseUrl: baseUrl.trim() || null });
    if (!r.ok) {
      setErrors(toFieldErrors(r.error));
      return onError(r.error, reasonText(r.error));
    }
    setErrors({});
    await onChanged();
  };
  const enrol = async () => {
    setEnrolling(true);
    setEnrolProblem(null);
    const vendor = live ? { vendorSn: vendorSn.trim(), vendorKey, appId: appId.trim() } : {};
    const r = await pos.call('admin.enrol', { activationCode: code, ...vendor });
    setEnrolling(false);
    setCode('');
    setVendorKey('');
    if (!r.ok) {
      setErrors(toFieldErrors(r.error));
      // Said where the technician looks, with what to do (e.g. check the back office before using the code again).
      setEnrolProblem(reasonText(r.error));
      return onError(r.error, reasonText(r.error));
    }
    setErrors({});
    await onChanged();
  };
  const runTest = async () => {
    setTesting(true);
    const r = await pos.call('admin.networkTest', {});
    setTesting(false);
    if (r.ok) setTest(r.value);
    else onError(r.error);
  };
  const canEnrol = code.trim() !== '' && (!live || (vendorSn.trim() !== '' && vendorKey !== '' && appId.trim() !== ''));

  return (
    <fieldset data-testid="acquirer-settings">
      <legend>{t('admin.acquirer.title')}</legend>
      <dl>
        <dt>{t('admin.acquirer.mode')}</dt>
        <dd data-testid="acquirer-mode">{t(`admin.acquirer.${acquirer.mode}`)}</dd>
        <dt>{t('admin.acquirer.active')}</dt>
        <dd className="mono">
          {acquirer.activeBaseUrl}
          {acquirer.embeddedSandbox && ` (${t('admin.acquirer.embedded')})`}
        </dd>
        <dt>{t('admin.acquirer.configured')}</dt>
        <dd className="mono" data-testid="acquirer-configured">
          {t(`admin.acquirer.${acquirer.configuredMode}`)} · {acquirer.configuredBaseUrl ?? t('admin.acquirer.embedded')}
        </dd>
      </dl>
      <div className="row">
        <label>
          {t('admin.acquirer.mode')}
          <select data-testid="acquirer-mode-select" value={mode} onChange={(e) => setMode(e.target.value as AcquirerMode)}>
            <option value="sandbox">{t('admin.acquirer.sandbox')}</option>
            <option value="live">{t('admin.acquirer.live')}</option>
          </select>
        </label>
        <label>
          {mode === 'live' ? t('admin.acquirer.baseUrlLive') : t('admin.acquirer.baseUrl')}
          <input data-testid="acquirer-baseUrl" size={48} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-invalid={errors.baseUrl ? true : undefined} />
          <FieldError errors={errors} name="baseUrl" />
        </label>
        <button type="button" onClick={() => void saveEndpoint()} data-testid="acquirer-save">
          {t('admin.acquirer.saveEndpoint')}
        </button>
      </div>
      <p className={acquirer.restartNeeded ? 'warn' : 'note'} data-testid="acquirer-restart-note">
        {t('admin.acquirer.restartNote')}
      </p>

      <h2>{t('admin.acquirer.enrolment')}</h2>
      <dl data-testid="enrolment-state">
        <dt>{t('admin.users.state')}</dt>
        <dd className={enrolment.enrolled ? 'ok' : 'warn'}>
          {enrolment.enrolled ? t('admin.acquirer.enrolled') : enrolment.otherEndpoint ? t('admin.acquirer.otherEndpoint') : t('admin.acquirer.notEnrolled')}
        </dd>
        <dt>{t('admin.acquirer.terminalSn')}</dt>
        <dd className="mono">{enrolment.terminalSn ?? '—'}</dd>
      </dl>
      <dl data-testid="key-rotation">
        <dt>{t('admin.acquirer.keyDate')}</dt>
        <dd>{enrolment.keyDate ?? '—'}</dd>
        <dt>{t('admin.acquirer.lastCheckin')}</dt>
        <dd data-testid="last-checkin">{time(enrolment.lastCheckinAt)}</dd>
        <dt>{t('admin.acquirer.keyExpires')}</dt>
        <dd>{time(enrolment.keyExpiresAt)}</dd>
        <dt>{t('admin.acquirer.nextCheckin')}</dt>
        <dd data-testid="next-checkin">{time(enrolment.nextCheckinAt)}</dd>
        {enrolment.checkinError && (
          <>
            <dt>{t('admin.acquirer.checkinError')}</dt>
            <dd className="bad">{enrolment.checkinError}</dd>
          </>
        )}
      </dl>
      <p className="note">{live ? t('admin.acquirer.enrolNoteLive') : t('admin.acquirer.enrolNoteSandbox')}</p>
      <div className="row" data-testid="enrolment-form">
        {live && (
          <>
            <label>
              {t('admin.acquirer.vendorSn')}
              <input data-testid="vendor-sn" autoComplete="off" value={vendorSn} onChange={(e) => setVendorSn(e.target.value)} />
              <FieldError errors={errors} name="vendorSn" />
            </label>
            <label>
              {t('admin.acquirer.vendorKey')}
              <input data-testid="vendor-key" type="password" autoComplete="off" value={vendorKey} onChange={(e) => setVendorKey(e.target.value)} />
              <FieldError errors={errors} name="vendorKey" />
            </label>
            <label>
              {t('admin.acquirer.appId')}
              <input data-testid="app-id" autoComplete="off" value={appId} onChange={(e) => setAppId(e.target.value)} />
              <FieldError errors={errors} name="appId" />
            </label>
          </>
        )}
        <label>
          {t('admin.acquirer.activationCode')}
          <input data-testid="activation-code" type="password" autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} />
          <FieldError errors={errors} name="activationCode" />
        </label>
        <button type="button" disabled={!canEnrol || enrolling} onClick={() => void enrol()} data-testid="enrol">
          {enrolling ? t('admin.acquirer.enrolling') : t('admin.acquirer.enrol')}
        </button>
        <button type="button" onClick={() => void runTest()} disabled={testing} data-testid="network-test">
          {testing ? t('admin.acquirer.testing') : t('admin.acquirer.test')}
        </button>
      </div>
      {enrolProblem && (
        <p className="bad" role="alert" data-testid="enrol-problem">
          {enrolProblem}
        </p>
      )}
      {test && (
        <div data-testid="network-test-result">
          <p className={test.reachable ? 'ok' : 'bad'}>
            {test.reachable ? t('admin.acquirer.reachable', { ms: test.latencyMs, status: test.httpStatus }) : t('admin.acquirer.unreachable', { error: test.error })}
          </p>
          <p className={test.signed ? (test.signed.ok ? 'ok' : 'bad') : 'note'}>
            {test.signed
              ? test.signed.ok
                ? t('admin.acquirer.signedOk', { outcome: test.signed.outcome, ms: test.signed.latencyMs })
                : t('admin.acquirer.signedFail', { outcome: test.signed.outcome })
              : t('admin.acquirer.signedSkipped')}
          </p>
        </div>
      )}
    </fieldset>
  );
}

type Layout = AdminSettings['scaleLabel']['configured'];
const LAYOUT_NUMBERS = ['pluStart', 'pluLength', 'valueStart', 'valueLength', 'valueDecimals'] as const;

/** `2X PPPPP VVVVV C`: what the digits of a 13-digit label mean under a layout. */
export function layoutPattern(layout: Layout): string {
  const cells: string[] = Array.from({ length: 13 }, (_, i) => (i === 12 ? 'C' : '·'));
  const prefixLength = Math.max(...layout.prefixes.map((p) => p.length));
  for (let i = 0; i < prefixLength; i += 1) cells[i] = i === 0 ? (layout.prefixes[0]?.[0] ?? '2') : 'X';
  for (let i = 0; i < layout.pluLength; i += 1) cells[layout.pluStart + i] = 'P';
  for (let i = 0; i < layout.valueLength; i += 1) cells[layout.valueStart + i] = 'V';
  return cells.join('');
}

function ScaleLabelSection({ view, onChanged, onError }: { view: AdminSettings; onChanged: () => Promise<void>; onError: PanelProps['onError'] }) {
  const pos = usePos();
  const { t } = useTranslation();
  const toFieldErrors = useFieldErrors();
  const [layout, setLayout] = useState<Layout>(view.scaleLabel.configured);
  const [prefixes, setPrefixes] = useState(view.scaleLabel.configured.prefixes.join(','));
  const [errors, setErrors] = useState<FieldErrors>({});

  const save = async () => {
    const r = await pos.call('admin.setScaleLabel', { layout: { ...layout, prefixes: prefixes.split(/[,，\s]+/).filter(Boolean) } });
    if (!r.ok) {
      setErrors(toFieldErrors(r.error));
      return onError(r.error);
    }
    setErrors({});
    await onChanged();
  };

  return (
    <fieldset data-testid="scale-label-settings">
      <legend>{t('admin.scale.title')}</legend>
      <div className="grid">
        <label>
          {t('admin.scale.prefixes')}
          <input value={prefixes} onChange={(e) => setPrefixes(e.target.value)} />
        </label>
        {LAYOUT_NUMBERS.map((key) => (
          <label key={key}>
            {t(`admin.scale.${key}`)}
            <input
              type="number"
              min={0}
              max={12}
              value={layout[key]}
              onChange={(e) => setLayout({ ...layout, [key]: Number(e.target.value) })}
            />
          </label>
        ))}
        <label>
          {t('admin.scale.value')}
          <select value={layout.value} onChange={(e) => setLayout({ ...layout, value: e.target.value as Layout['value'] })}>
            <option value="price">{t('admin.scale.price')}</option>
            <option value="weight">{t('admin.scale.weight')}</option>
          </select>
        </label>
      </div>
      <p className="mono">{t('admin.scale.pattern', { pattern: layoutPattern(layout) })}</p>
      <FieldError errors={errors} name="layout" />
      <div className="row">
        <button type="button" onClick={() => void save()} data-testid="scale-label-save">
          {t('admin.scale.save')}
        </button>
        <span className={view.scaleLabel.restartNeeded ? 'warn' : 'note'}>
          {view.scaleLabel.restartNeeded ? t('admin.scale.pending') : t('admin.scale.restartNote')}
        </span>
      </div>
    </fieldset>
  );
}
