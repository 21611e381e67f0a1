import { createReadStream } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { resolveInside } from '../web-assets';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ico': 'image/x-icon',
};

/** Serves a built file; unknown paths fall back to index.html (the app routes by hash). */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  let file = resolveInside(root, urlPath === '/' ? '/index.html' : urlPath);
  if (!file) {
    res.writeHead(400, headers).end('Bad path');
    return;
  }
  let stat = await safeStat(file);
  if (!stat?.isFile()) {
    file = join(resolve(root), 'index.html');
    stat = await safeStat(file);
    if (!stat?.isFile()) {
      res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('The user interface is not built; run npm run build.');
      return;
    }
  }
  res.writeHead(200, {
    ...headers,
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(stat.size),
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}

async function safeStat(path: string) {
  try {
    return await statFile(path);
  } catch {
    return undefined;
  }
}
