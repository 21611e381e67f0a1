/** The HTTPS API: routes, limits, credentials and JSON errors (SyncErrorReply) around the handlers in api/. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Logger } from 'pino';
import { z } from 'zod';
import { E_RECEIPT_BASE_URL_SETTING } from '../src-common/e-receipt';
import { MAX_BATCH_BYTES, SYNC_API_VERSION } from '../src-common/sync-protocol';
import * as admin from './api/admin';
import { uploadFacts, streamState } from './api/facts';
import { pull } from './api/pull';
import { recordPulledVersion } from './api/pulled-version';
import { authenticateTerminal, enrol } from './api/terminals';
import { sameSecret } from './admin-token';
import { isUnavailable, type Db } from './database';
import { ApiError, bearer, notFound, parse, readJson, sendError, sendJson, SMALL_BODY_BYTES } from './http';
import { E_RECEIPT_PREFIX, serveEReceipt } from './office/e-receipt';
import { OfficeFile, sendOfficeFile } from './office/route';
import { officeRoutes } from './office/routes';
import { officeUser } from './office/sessions';
import { serveStatic, type StaticFiles } from './office/static';
import type { RateLimiter } from './rate-limit';
import type { ServerTls } from './tls';

const StreamQuery = z.object({ stream: z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/) });

export interface AppContext {
  readonly db: Db;
  readonly adminToken: string;
  readonly tls: ServerTls;
  readonly log: Logger;
  /** Rows per pull page (about; a page never splits a version). */
  readonly pullPageRows: number;
  /** Token buckets: per terminal for its calls, per source address for failed enrolments and sign-ins. */
  readonly limits: { readonly terminal: RateLimiter; readonly failures: RateLimiter };
  /** The built web back office (out/renderer), or null when it was not built. */
  readonly staticFiles: StaticFiles | null;
  /** The server's address as customers' phones see it (`--public-url`), sent to tills for e-receipt QRs; null: the tills' own. */
  readonly publicUrl?: string | null;
}

interface Request {
  readonly req: IncomingMessage;
  readonly params: string[];
  readonly query: Record<string, string>;
}

type Handler = (ctx: AppContext, r: Request) => Promise<unknown>;
interface Route {
  readonly method: string;
  readonly path: RegExp;
  readonly admin?: boolean;
  readonly status?: number;
  readonly handler: Handler;
}

const ID = '([0-9A-Za-z:_-]{1,64})';
const rateLimited = (seconds: number, what: string) =>
  new ApiError('rate_limited', `Too many ${what}: try again in ${seconds} s`, { retryAfterSeconds: seconds });

const terminal = (handler: (ctx: AppContext, r: Request, who: Awaited<ReturnType<typeof authenticateTerminal>>) => Promise<unknown>): Handler =>
  async (ctx, r) => {
    const who = await authenticateTerminal(ctx.db, r.req);
    const wait = ctx.limits.terminal.take(`${who.storeId}\u0000${who.terminalId}`);
    if (wait !== null) throw rateLimited(wait, 'calls from this terminal');
    return handler(ctx, r, who);
  };

const routes: Route[] = [
  { method: 'GET', path: /^\/v1\/health$/, handler: async (ctx) => ({ ok: true, api: SYNC_API_VERSION, fingerprint: ctx.tls.fingerprint }) },
  {
    method: 'POST',
    path: /^\/v1\/enrol$/,
    handler: async (ctx, r) => {
      // Refused before the code is looked at: an address that kept guessing learns nothing more for a while.
      const wait = ctx.limits.failures.wait(sourceOf(r.req));
      if (wait !== null) throw rateLimited(wait, 'failed enrolments from this address');
      return enrol(ctx.db, await readJson(r.req, 4096));
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/facts$/,
    handler: terminal(async (ctx, r, who) => uploadFacts(ctx.db, who, await readJson(r.req, MAX_BATCH_BYTES))),
  },
  {
    method: 'GET',
    path: /^\/v1\/stream$/,
    handler: terminal(async (ctx, r, who) => {
      const { stream } = parse(StreamQuery, r.query, 'query');
      return { stream, ackedSeq: await streamState(ctx.db, who, stream) };
    }),
  },
  {
    method: 'GET',
    path: /^\/v1\/pull$/,
    handler: terminal(async (ctx, r, who) => {
      await recordPulledVersion(ctx.db, who, r.query);
      const reply = await pull(ctx.db, who, r.query, ctx.pullPageRows);
      // On every page, so a till learns a changed (or dropped) public URL at its next pull whatever its version.
      return ctx.publicUrl ? { ...reply, settings: { ...reply.settings, [E_RECEIPT_BASE_URL_SETTING]: ctx.publicUrl } } : reply;
    }),
  },

  { method: 'GET', path: /^\/v1\/admin\/server$/, admin: true, handler: async (ctx) => ({ api: SYNC_API_VERSION, fingerprint: ctx.tls.fingerprint, selfSigned: ctx.tls.selfSigned }) },
  { method: 'POST', path: /^\/v1\/admin\/stores$/, admin: true, status: 201, handler: async (ctx, r) => admin.createStore(ctx.db, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'GET', path: /^\/v1\/admin\/stores$/, admin: true, handler: async (ctx) => admin.listStores(ctx.db) },
  { method: 'POST', path: new RegExp(`^/v1/admin/stores/${ID}/enrolment-codes$`), admin: true, status: 201, handler: async (ctx, r) => admin.newEnrolmentCode(ctx.db, r.params[0]!) },
  { method: 'GET', path: new RegExp(`^/v1/admin/stores/${ID}/terminals$`), admin: true, handler: async (ctx, r) => admin.listTerminals(ctx.db, r.params[0]!) },
  { method: 'POST', path: new RegExp(`^/v1/admin/stores/${ID}/terminals/${ID}/revoke$`), admin: true, handler: async (ctx, r) => admin.revokeTerminal(ctx.db, r.params[0]!, r.params[1]!) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/products/${ID}$`), admin: true, handler: async (ctx, r) => admin.putProduct(ctx.db, r.params[0]!, r.params[1]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/products/${ID}/price$`), admin: true, handler: async (ctx, r) => admin.putPrice(ctx.db, r.params[0]!, r.params[1]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/categories/${ID}$`), admin: true, handler: async (ctx, r) => admin.putCategory(ctx.db, r.params[0]!, r.params[1]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/users/${ID}$`), admin: true, handler: async (ctx, r) => admin.putUser(ctx.db, r.params[0]!, r.params[1]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/promotions/${ID}$`), admin: true, handler: async (ctx, r) => admin.putPromotion(ctx.db, r.params[0]!, r.params[1]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'GET', path: new RegExp(`^/v1/admin/stores/${ID}/members$`), admin: true, handler: async (ctx, r) => admin.listMembers(ctx.db, r.params[0]!) },
  { method: 'DELETE', path: new RegExp(`^/v1/admin/stores/${ID}/(products|categories|users|promotions)/${ID}$`), admin: true, handler: async (ctx, r) => admin.deleteEntity(ctx.db, r.params[0]!, admin.entityPath(r.params[1]!), r.params[2]!) },
  { method: 'PUT', path: new RegExp(`^/v1/admin/stores/${ID}/settings$`), admin: true, handler: async (ctx, r) => admin.putSettings(ctx.db, r.params[0]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'POST', path: new RegExp(`^/v1/admin/stores/${ID}/stock-movements$`), admin: true, status: 201, handler: async (ctx, r) => admin.addStockMovement(ctx.db, r.params[0]!, await readJson(r.req, SMALL_BODY_BYTES)) },
  { method: 'GET', path: new RegExp(`^/v1/admin/stores/${ID}/totals$`), admin: true, handler: async (ctx, r) => admin.dailyTotals(ctx.db, r.params[0]!, r.query) },
];

function checkAdmin(ctx: AppContext, req: IncomingMessage): void {
  const token = bearer(req);
  if (!token || !sameSecret(token, ctx.adminToken)) throw new ApiError('unauthorized', 'Admin token required: Authorization: Bearer <the token in the data dir\'s admin-token file>');
}

const sourceOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';

/**
 * A wrong enrolment code or credential costs the address a token; once it has none, such answers become
 * rate_limited. A valid credential from the same address still passes (tills behind one shop's NAT keep syncing
 * beside one whose credential was revoked): a 256-bit credential cannot be guessed, the codes are what is guarded.
 */
function countFailure(ctx: AppContext, req: IncomingMessage, error: ApiError): ApiError {
  if (error.code !== 'unauthorized' && error.code !== 'enrolment_code_invalid') return error;
  // A back-office page asking whether it is still signed in guesses nothing.
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  if (reason === 'signed_out' || reason === 'session_ended' || reason === 'totp_required') return error;
  const wait = ctx.limits.failures.take(sourceOf(req));
  return wait === null ? error : rateLimited(wait, 'failed enrolments or sign-ins from this address');
}

function asApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (isUnavailable(error)) return new ApiError('unavailable', 'The store database is unavailable: try again shortly');
  return null;
}

async function handle(ctx: AppContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'https://server.invalid');
  // An e-receipt's token is its credential: never in the log.
  const logPath = url.pathname.startsWith(E_RECEIPT_PREFIX) ? `${E_RECEIPT_PREFIX}…` : url.pathname;
  let status = 500;
  try {
    if (url.pathname.startsWith('/v1/office/')) {
      status = await handleOffice(ctx, req, res, url);
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith(E_RECEIPT_PREFIX)) {
      status = await serveEReceipt(ctx.db, url.pathname, res);
      return;
    }
    if (req.method === 'GET' && !url.pathname.startsWith('/v1/')) {
      status = await serveStatic(ctx.staticFiles, url.pathname, req, res);
      return;
    }
    const byPath = routes.filter((r) => r.path.test(url.pathname));
    if (byPath.length === 0) throw notFound(`Path ${url.pathname}`);
    const route = byPath.find((r) => r.method === req.method);
    if (!route) throw new ApiError('bad_request', `Method ${req.method} is not allowed here`, undefined, 405);
    if (route.admin) checkAdmin(ctx, req);
    const params = route.path.exec(url.pathname)!.slice(1);
    const result = await route.handler(ctx, { req, params, query: Object.fromEntries(url.searchParams) });
    status = route.status ?? 200;
    sendJson(res, status, result);
  } catch (error) {
    const apiError = asApiError(error);
    const known = apiError && countFailure(ctx, req, apiError);
    if (known) {
      status = known.status;
      sendError(res, known);
    } else {
      status = 500;
      ctx.log.error({ err: error, path: logPath }, 'request failed');
      sendError(res, new ApiError('unavailable', 'Internal error: try again; if it persists, see the server log', undefined, 500));
    }
  } finally {
    // Never the headers (credentials) nor the body; the path and status say enough.
    ctx.log.info({ method: req.method, path: logPath, status, ms: Math.round(performance.now() - started) }, 'request');
  }
}

const OFFICE_PREFIX = '/v1/office';

async function handleOffice(ctx: AppContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const path = url.pathname.slice(OFFICE_PREFIX.length);
  const byPath = officeRoutes.filter((r) => r.path.test(path));
  if (byPath.length === 0) throw notFound(`Path ${url.pathname}`);
  const route = byPath.find((r) => r.method === req.method);
  if (!route) throw new ApiError('bad_request', `Method ${req.method} is not allowed here`, undefined, 405);
  if (req.method !== 'GET' && req.headers['x-jiezhang-office'] !== '1') {
    throw new ApiError('forbidden', 'A back-office change must come from the back office (x-jiezhang-office header)');
  }
  if (route.public) {
    // Sign-in and set-up guess secrets: an address that kept failing waits before its next try is looked at.
    const wait = req.method === 'POST' ? ctx.limits.failures.wait(sourceOf(req)) : null;
    if (wait !== null) throw rateLimited(wait, 'failed sign-ins from this address');
  }
  const user = route.public ? null : await officeUser(ctx.db, req);
  const headers: Record<string, string> = {};
  const params = route.path.exec(path)!.slice(1);
  const result = await route.handler(ctx, { req, params, query: Object.fromEntries(url.searchParams), user: user!, headers });
  const status = route.status ?? 200;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (result instanceof OfficeFile) return sendOfficeFile(res, result);
  sendJson(res, status, result);
  return status;
}

export function createApp(ctx: AppContext): Server {
  const server = createServer({ cert: ctx.tls.cert, key: ctx.tls.key, requestTimeout: 60_000, headersTimeout: 20_000 }, (req, res) => {
    void handle(ctx, req, res);
  });
  server.keepAliveTimeout = 30_000;
  return server;
}
