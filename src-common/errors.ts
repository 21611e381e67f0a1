import { z } from 'zod';

/**
 * Stable error codes that cross the API as data. The UI translates them (i18n key `errors.<code>`);
 * never rename one, only add.
 */
export const ErrorCode = z.enum([
  'validation_failed',
  'unknown_call',
  'unauthenticated',
  'wrong_pin',
  'locked',
  'rate_limited',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
  /** The data directory's disk is (nearly) full: nothing that moves money is started until space is made. */
  'disk_full',
  /** A product sold by weight was added without a weight: read it from the scale or type it (issue 16). */
  'weight_required',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown by services for an expected failure; the dispatcher turns it into `{ ok: false, error }`. */
export class PosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PosError';
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * One zod issue as it crosses the API: `message` is for a log or a technician (English, or a reason key such as
 * `too_long`); `code` and `params` let the UI say it in the screen's language (src-renderer/i18n/issues.ts).
 */
export interface IssueDetail {
  path: string;
  message: string;
  code: string;
  params?: Record<string, string | number | (string | number)[]>;
}

const scalar = (v: unknown): string | number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : String(v));

/** What the UI needs to word an issue: limits, the expected type or values, unknown keys, a custom reason. */
function issueParams(issue: z.core.$ZodIssue): IssueDetail['params'] {
  const params: NonNullable<IssueDetail['params']> = {};
  const raw = issue as unknown as Record<string, unknown>;
  for (const key of ['origin', 'expected', 'format', 'minimum', 'maximum'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'object') params[key] = scalar(raw[key]);
  }
  if (Array.isArray(raw.values)) params.values = raw.values.map(scalar);
  if (Array.isArray(raw.keys)) params.keys = raw.keys.map(scalar);
  if (issue.code === 'custom' && issue.params) {
    for (const [key, value] of Object.entries(issue.params)) if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  }
  return Object.keys(params).length ? params : undefined;
}

/** One line per zod issue, path first: what a technician reads in a log, and what the UI translates. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): IssueDetail[] {
  return issues.map((issue) => {
    const params = issueParams(issue);
    return {
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
      code: issue.code,
      ...(params ? { params } : {}),
    };
  });
}
