/**
 * A shop's own certificate authority made by openssl for tests: its certificate valid between two dates (openssl
 * `ca` takes both, so an expired CA can be made), and server certificates it signs for a name.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './host';
import type { TestCertificate } from './sync-contract-server';

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export interface TestCa extends TestCertificate {
  /** Where its files are (its key signs server certificates). */
  readonly dir: string;
}

/** `start`/`end` as openssl takes them: YYYYMMDDHHMMSSZ. */
export function makeCa(name: string, validity: { start: string; end: string }): TestCa {
  const dir = tempDir('test-ca-');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = d', '[d]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256',
    'policy = any', 'email_in_dn = no', 'unique_subject = no', '[any]', 'commonName = supplied',
    '[v3]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign', '',
  ].join('\n'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl('req', '-new', ...NEW_KEY, '-keyout', 'ca-key.pem', '-out', 'ca.csr', '-subj', `/CN=${name}`);
  openssl('ca', '-batch', '-notext', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'ca-key.pem', '-in', 'ca.csr', '-out', 'ca.pem',
    '-startdate', validity.start, '-enddate', validity.end, '-extensions', 'v3');
  return { dir, key: readFileSync(join(dir, 'ca-key.pem'), 'utf8'), cert: readFileSync(join(dir, 'ca.pem'), 'utf8'), fingerprint: fingerprintOf(dir, 'ca.pem') };
}

/** A server certificate the CA signs for `altName` (e.g. `IP:127.0.0.1`), valid two days from now. */
export function serverCertificateOf(ca: TestCa, commonName: string, altName: string): TestCertificate {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: ca.dir, stdio: 'ignore' });
  const base = commonName.replace(/[^a-z0-9-]/gi, '_');
  writeFileSync(join(ca.dir, `${base}.ext`), `basicConstraints=CA:FALSE\nsubjectAltName=${altName}\n`);
  openssl('req', '-new', ...NEW_KEY, '-keyout', `${base}-key.pem`, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`);
  openssl('x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${base}.pem`, '-days', '2', '-sha256', '-extfile', `${base}.ext`);
  return { key: readFileSync(join(ca.dir, `${base}-key.pem`), 'utf8'), cert: readFileSync(join(ca.dir, `${base}.pem`), 'utf8'), fingerprint: fingerprintOf(ca.dir, `${base}.pem`) };
}

function fingerprintOf(dir: string, file: string): string {
  const printed = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha256'], { cwd: dir, encoding: 'utf8' });
  return printed.trim().split('=')[1]!;
}
