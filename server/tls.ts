/**
 * The server's TLS certificate: a CA-signed cert/key from config, or a self-signed one made at first start
 * into the data dir with the system's `openssl req -x509` (node:crypto cannot write X.509). Tills pin its
 * SHA-256 fingerprint at enrolment, so the names in it matter less than the fingerprint staying put.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ServerTls {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex (as openssl and browsers show it). */
  readonly fingerprint: string;
  readonly selfSigned: boolean;
}

function subjectAltNames(): string {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', `DNS:${hostname()}`]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) names.add(`IP:${a.address}`);
  return [...names].join(',');
}

async function makeSelfSigned(certFile: string, keyFile: string): Promise<void> {
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256', '-days', '3650',
    '-subj', '/CN=Jiezhang store server', '-addext', `subjectAltName=${subjectAltNames()}`,
    '-keyout', keyFile, '-out', certFile,
  ]);
}

export async function loadTls(dataDir: string, given?: { certFile: string; keyFile: string }): Promise<ServerTls> {
  const certFile = given?.certFile ?? join(dataDir, 'tls-cert.pem');
  const keyFile = given?.keyFile ?? join(dataDir, 'tls-key.pem');
  if (!given && !(await access(certFile).then(() => true, () => false))) await makeSelfSigned(certFile, keyFile);
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, selfSigned: !given };
}
