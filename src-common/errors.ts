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

/** One line per zod issue, path first: what a technician reads in a log or an error dialog. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}
