import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import type { SyncErrorCode, SyncErrorReply } from '../src-common/sync-protocol';

/** The largest body of a call that is not a batch of facts. */
export const SMALL_BODY_BYTES = 64 * 1024;

const STATUS: Record<SyncErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  enrolment_code_invalid: 400,
  stream_diverged: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** An answer that is not 2xx, sent as SyncErrorReply. */
export class ApiError extends Error {
  constructor(readonly code: SyncErrorCode, message: string, readonly details?: unknown, readonly status = STATUS[code]) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError('bad_request', `${what} not found`, undefined, 404);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  const reply: SyncErrorReply = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
  if (error.status === 413 || error.status === 400) res.setHeader('connection', 'close');
  const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (error.code === 'rate_limited' && typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
  sendJson(res, error.status, reply);
}

/** Reads a JSON body of at most `limit` bytes: 413 beyond it (without reading the rest), 400 if not JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw new ApiError('payload_too_large', `The body is larger than ${limit} bytes`, { limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError('payload_too_large', `The body is larger than ${limit} bytes`, { limit });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad_request', 'The body is not valid JSON');
  }
}

/** zod at the boundary: the first few issues go back to the caller, paths and messages only. */
export function parse<T>(schema: ZodType<T>, value: unknown, what = 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new ApiError('bad_request', `The ${what} does not match the protocol: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
}

export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  return match ? match[1]! : null;
}
