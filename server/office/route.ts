/** The shape of a back-office route; each area (areas/*.ts) exports its own list, gathered in routes.ts. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../app';
import type { OfficeUser } from './access';

export interface OfficeRequest {
  readonly req: IncomingMessage;
  /** The path's captured groups. */
  readonly params: string[];
  readonly query: Record<string, string>;
  readonly user: OfficeUser;
  /** Extra response headers (a sign-in's Set-Cookie). */
  readonly headers: Record<string, string>;
}

export interface OfficeRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the path after /v1/office. */
  readonly path: RegExp;
  readonly status?: number;
  /** Callable signed out (sign-in, first set-up). */
  readonly public?: boolean;
  readonly handler: (ctx: AppContext, r: OfficeRequest) => Promise<unknown>;
}

/** A path segment that is an id (store, product, terminal…). */
export const OFFICE_ID = '([0-9A-Za-z:_-]{1,64})';

/** A handler's reply that is a file to download (an export), sent as is instead of JSON. */
export class OfficeFile {
  constructor(
    readonly path: string,
    readonly contentType: string,
    readonly fileName: string,
  ) {}
}

/** Streams a file reply; the name in both forms (RFC 6266) so a Chinese name survives. */
export async function sendOfficeFile(res: ServerResponse, file: OfficeFile): Promise<number> {
  const { size } = await stat(file.path);
  const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': size,
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    'cache-control': 'no-store',
  });
  await new Promise<void>((done, fail) => createReadStream(file.path).on('error', fail).on('end', done).pipe(res));
  return 200;
}
