/**
 * The back office's one client of the store server: same-origin fetch, the session in an HttpOnly cookie, the
 * `x-jiezhang-office` header on every change (the server's CSRF guard), replies checked with zod.
 */
import type { ZodType } from 'zod';
import { OfficeErrorReply } from '../../src-common/office/session';

export class OfficeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** Why a 401 came (wrong_login, locked, totp_required, signed_out, session_ended…), if the server said. */
  get reason(): string | undefined {
    return (this.details as { reason?: string } | undefined)?.reason;
  }
}

/** Called when any call finds the session gone (the app shows the sign-in page). */
let onSignedOut: (() => void) | null = null;
export function whenSignedOut(handler: (() => void) | null): void {
  onSignedOut = handler;
}

async function call<T>(method: string, path: string, schema: ZodType<T> | null, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/v1/office${path}`, {
      method,
      credentials: 'same-origin',
      headers: { ...(method === 'GET' ? {} : { 'x-jiezhang-office': '1' }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new OfficeApiError(0, 'network', 'The store server cannot be reached');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new OfficeApiError(response.status, 'bad_reply', `The server answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    const parsed = OfficeErrorReply.safeParse(json);
    const error = parsed.success
      ? new OfficeApiError(response.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details)
      : new OfficeApiError(response.status, 'bad_reply', `The server answered ${response.status}`);
    if (response.status === 401 && (error.reason === 'signed_out' || error.reason === 'session_ended')) onSignedOut?.();
    throw error;
  }
  if (!schema) return json as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new OfficeApiError(response.status, 'bad_reply', `The server's reply to ${path} is not what this page expects`);
  return parsed.data;
}

export const officeApi = {
  get: <T>(path: string, schema: ZodType<T>) => call('GET', path, schema),
  post: <T>(path: string, body: unknown, schema: ZodType<T> | null = null) => call('POST', path, schema, body),
  put: <T>(path: string, body: unknown, schema: ZodType<T> | null = null) => call('PUT', path, schema, body),
  delete: <T>(path: string, schema: ZodType<T> | null = null) => call('DELETE', path, schema),
};
