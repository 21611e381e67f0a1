import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { apiClient, type ApiClient } from '../../server/testing/client';

export const SERVER_ENTRY = resolve('out/main/server.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly admin: ApiClient;
  readonly cert: string;
  as(credential: string | null): ApiClient;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/** The built store server (`npm run server`'s entry) as its own process; resolves once its ready line is out. */
export async function startServerProcess(dataDir: string, databaseUrl?: string): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build (npm test builds first)`);
  const env = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [SERVER_ENTRY, '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = await new Promise<{ url: string }>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => done(JSON.parse(line) as { url: string }));
    child.once('exit', (code) => fail(new Error(`store server exited (${code}) before it was ready: ${stderr}`)));
  });
  const [cert, token] = await Promise.all([readFile(join(dataDir, 'tls-cert.pem'), 'utf8'), readFile(join(dataDir, 'admin-token'), 'utf8')]);
  return {
    child,
    url: ready.url,
    cert,
    admin: apiClient(ready.url, cert, token.trim()),
    as: (credential) => apiClient(ready.url, cert, credential),
    exited,
  };
}
