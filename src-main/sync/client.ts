/** The store server's API (src-common/sync-protocol.ts) over pinned HTTPS: every reply checked against the contract. */
import type { z } from 'zod';
import {
  EnrolReply,
  PullReply,
  SYNC_API_VERSION,
  SyncErrorReply,
  UploadReply,
  type EnrolRequest,
  type SyncErrorCode,
  type UploadRequest,
} from '../../src-common/sync-protocol';
import { pinnedRequest, type PinnedServer } from './pinned-https';

/** The server answered, and said no (or answered something that is not the contract). */
export class SyncServerError extends Error {
  constructor(
    readonly code: SyncErrorCode | 'bad_reply',
    message: string,
    readonly status: number,
    /** How long the server asked the till to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SyncServerError';
  }
}

export interface SyncClient {
  enrol(request: EnrolRequest): Promise<EnrolReply>;
  upload(request: UploadRequest, body: string): Promise<UploadReply>;
  pull(since: number): Promise<PullReply>;
}

export function createSyncClient(server: PinnedServer, credential: string | null, options: { timeoutMs?: number } = {}): SyncClient {
  async function call<T extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: T, body?: string): Promise<z.output<T>> {
    const reply = await pinnedRequest(server, method, `/${SYNC_API_VERSION}${path}`, {
      ...(body !== undefined ? { body } : {}),
      ...(credential ? { bearer: credential } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    let json: unknown;
    try {
      json = JSON.parse(reply.body);
    } catch {
      throw new SyncServerError(reply.status >= 500 ? 'unavailable' : 'bad_reply', `The server answered ${reply.status} with no JSON`, reply.status);
    }
    if (reply.status < 200 || reply.status > 299) {
      const error = SyncErrorReply.safeParse(json);
      if (error.success)
        throw new SyncServerError(error.data.error.code, error.data.error.message, reply.status, reply.retryAfterSeconds === undefined ? undefined : reply.retryAfterSeconds * 1000);
      throw new SyncServerError(reply.status >= 500 ? 'unavailable' : 'bad_reply', `The server answered ${reply.status}`, reply.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncServerError('bad_reply', `The server’s reply to ${path} does not follow the contract: ${parsed.error.issues[0]?.message ?? ''}`, reply.status);
    return parsed.data;
  }

  return {
    enrol: (request) => call('POST', '/enrol', EnrolReply, JSON.stringify(request)),
    upload: (_request, body) => call('POST', '/facts', UploadReply, body),
    pull: (since) => call('GET', `/pull?since=${since}`, PullReply),
  };
}
