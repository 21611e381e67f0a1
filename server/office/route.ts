/** The shape of a back-office route; each area (areas/*.ts) exports its own list, gathered in routes.ts. */
import type { IncomingMessage } from 'node:http';
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
