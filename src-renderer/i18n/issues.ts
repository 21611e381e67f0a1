/**
 * How a refused call reads on screen: zod issues from main become "<field>: <what is wrong>" in the screen's
 * language. main's `message` is English for logs (or a reason key such as `too_long`); it is shown only when it
 * is such a key, never as text.
 */
import type { TFunction } from 'i18next';
import type { ApiError, IssueDetail } from '../../src-common/errors';

/** A message main sent as a reason key (`required`, `line_too_wide`): its text, or '' when it is not one. */
function reasonKeyText(t: TFunction, message: string): string {
  return /^[a-z][a-z_]*$/.test(message) ? t(`admin.invalid.${message}`, { defaultValue: '' }) : '';
}

const named = (path: string) => path.split('.').filter((s) => s !== '' && s !== '(root)' && !/^\d+$/.test(s));

/** The field an issue is about, in words: `device.transport.baudRate` → 波特率; `taxRates.1.name` → 税率 · 第 2 项 · 名称. */
export function fieldLabel(t: TFunction, path: string): string {
  const parts: string[] = [];
  for (const segment of path.split('.')) {
    if (/^\d+$/.test(segment)) parts.push(t('issues.fields.item', { n: Number(segment) + 1 }));
    else if (segment !== 'device' && segment !== 'transport' && segment !== '(root)' && segment !== '') {
      parts.push(t(`issues.fields.${segment}`, { defaultValue: '' }) || t('issues.fields.other'));
    }
  }
  return parts.join(' · ') || t('issues.fields.other');
}

/** What is wrong, in words, without the field's name. */
export function problemText(t: TFunction, issue: Pick<IssueDetail, 'path' | 'message'> & Partial<IssueDetail>): string {
  const fromKey = reasonKeyText(t, issue.message);
  if (fromKey) return fromKey;
  const params = issue.params ?? {};
  const field = named(issue.path).at(-1) ?? '';
  switch (issue.code) {
    case 'custom': {
      const reason = typeof params.reason === 'string' ? params.reason : '';
      const role = typeof params.role === 'string' ? t(`devices.roles.${params.role}`, { defaultValue: params.role }) : '';
      return (reason && t(`issues.reasons.${reason}`, { role, defaultValue: '' })) || t('issues.problems.other');
    }
    case 'too_small':
    case 'too_big': {
      const origin = params.origin === 'string' || params.origin === 'number' || params.origin === 'array' ? params.origin : 'number';
      if (issue.code === 'too_small' && origin === 'string' && params.minimum === 1) return t('issues.problems.required');
      return t(`issues.problems.${issue.code}_${origin}`, { minimum: params.minimum, maximum: params.maximum });
    }
    case 'invalid_format':
      return t(`issues.formats.${field}`, { defaultValue: '' }) || t('issues.problems.invalid_format');
    case 'invalid_type':
      return t(`issues.formats.${field}`, { defaultValue: '' }) || t('issues.problems.invalid_type');
    case 'invalid_value':
      return t('issues.problems.invalid_value', { values: (Array.isArray(params.values) ? params.values : []).join(' / ') });
    case 'unrecognized_keys':
      return t('issues.problems.unrecognized_keys', { keys: (Array.isArray(params.keys) ? params.keys : []).join(', ') });
    case 'invalid_union':
    case 'not_multiple_of':
      return t(`issues.problems.${issue.code}`);
    default:
      return t('issues.problems.other');
  }
}

/** The issues of a `validation_failed` refusal (empty for any other error, or details of another shape). */
export function issuesOf(error: ApiError): IssueDetail[] {
  if (!Array.isArray(error.details)) return [];
  return error.details.filter((d): d is IssueDetail => typeof d === 'object' && d !== null && typeof d.path === 'string' && typeof d.message === 'string');
}

/** One line per issue, field first: for a list under a form. */
export function issueLines(t: TFunction, error: ApiError): { path: string; text: string }[] {
  return issuesOf(error).map((issue) => ({ path: issue.path, text: t('issues.line', { field: fieldLabel(t, issue.path), problem: problemText(t, issue) }) }));
}
