/**
 * The web back office's files (the renderer build's office.html and assets/) served over the server's HTTPS,
 * at /office/. Only names of the build's own files are served (no path from the request reaches the file
 * system); hashed assets are cached for a year, the page never.
 */
import { access, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { notFound } from '../http';

export interface StaticFiles {
  readonly dir: string;
}

/** The page's policy: scripts, styles, fetches and images from this server only (and data: images, QR codes). */
export const OFFICE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The build's directory if it holds the back office's page, else null (the API still runs). */
export async function findStaticFiles(dir: string): Promise<StaticFiles | null> {
  try {
    await access(join(dir, 'office.html'));
    return { dir };
  } catch {
    return null;
  }
}

const cache = new Map<string, Buffer>();
async function file(path: string): Promise<Buffer> {
  let body = cache.get(path);
  if (!body) {
    body = await readFile(path);
    cache.set(path, body);
  }
  return body;
}

function send(res: ServerResponse, body: Buffer, type: string, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...headers });
  res.end(body);
}

/** GET of a path outside /v1/: the back office's page and assets; anything else is 404. Returns the status. */
export async function serveStatic(files: StaticFiles | null, pathname: string, _req: IncomingMessage, res: ServerResponse): Promise<number> {
  if (pathname === '/' || pathname === '/office') {
    res.writeHead(302, { location: '/office/' });
    res.end();
    return 302;
  }
  if (!files) throw notFound('The back office (not built: npm run build)');
  if (pathname === '/office/' || pathname === '/office/index.html') {
    send(res, await file(join(files.dir, 'office.html')), TYPES['.html']!, { 'cache-control': 'no-store', 'content-security-policy': OFFICE_CSP, 'x-frame-options': 'DENY' });
    return 200;
  }
  const asset = /^\/office\/assets\/([A-Za-z0-9_.-]{1,120})$/.exec(pathname);
  if (asset && !asset[1]!.startsWith('.')) {
    const type = TYPES[extname(asset[1]!)];
    if (type) {
      try {
        send(res, await file(join(files.dir, 'assets', asset[1]!)), type, { 'cache-control': 'public, max-age=31536000, immutable' });
        return 200;
      } catch {
        // fall through: 404
      }
    }
  }
  throw notFound(`Path ${pathname}`);
}
