/**
 * The CA certificate a technician gives, checked before any connection: certificates made by openssl here (a CA
 * valid now, one that expired in 2020, one valid only from 2099, a server's own certificate), each refusal with
 * its own reason.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PosError } from '../../src-common/errors';
import { caCertificateOrRefuse } from './ca-certificate';

const dir = mkdtempSync(join(tmpdir(), 'jiezhang-ca-check-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed CA certificate valid from `start` to `end` (openssl `ca` takes both dates, unlike `req -x509`). */
function caBetween(name: string, start: string, end: string): string {
  writeFileSync(join(dir, `${name}.cnf`), [
    '[ca]', `default_ca = d`, '[d]', `database = ${name}-index.txt`, 'new_certs_dir = .', `serial = ${name}-serial`, 'default_md = sha256',
    'policy = any', 'email_in_dn = no', 'unique_subject = no', '[any]', 'commonName = supplied',
    '[v3]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign', '',
  ].join('\n'));
  writeFileSync(join(dir, `${name}-index.txt`), '');
  writeFileSync(join(dir, `${name}-serial`), '01\n');
  openssl('req', '-new', ...NEW_KEY, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('ca', '-batch', '-notext', '-config', `${name}.cnf`, '-selfsign', '-keyfile', `${name}-key.pem`, '-in', `${name}.csr`, '-out', `${name}.pem`,
    '-startdate', start, '-enddate', end, '-extensions', 'v3');
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}

function leafOf(name: string): string {
  openssl('req', '-new', ...NEW_KEY, '-keyout', 'leaf-key.pem', '-out', 'leaf.csr', '-subj', '/CN=store-server');
  writeFileSync(join(dir, 'leaf.cnf'), 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', `${name}.pem`, '-CAkey', `${name}-key.pem`, '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.cnf');
  return readFileSync(join(dir, 'leaf.pem'), 'utf8');
}

const current = caBetween('shop-ca', '20250101000000Z', '20350101000000Z');
const expired = caBetween('old-ca', '20200101000000Z', '20200201000000Z');
const future = caBetween('future-ca', '20990101000000Z', '20991231000000Z');
const leaf = leafOf('shop-ca');
const now = new Date('2026-12-05T12:00:00Z');

function refusal(text: string): { code: string; details: unknown } {
  try {
    caCertificateOrRefuse(text, now);
  } catch (error) {
    if (error instanceof PosError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('accepted');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CA certificate given at enrolment', () => {
  it('takes a CA valid now, with text around it (as `openssl x509 -text` prints), and gives its SHA-256 fingerprint', () => {
    const printed = `Certificate:\n    Data: …\n${current}\nsome trailing note\n`;
    const accepted = caCertificateOrRefuse(printed, now);
    expect(accepted.fingerprint).toBe(new X509Certificate(current).fingerprint256);
    expect(accepted.pem).toContain('-----BEGIN CERTIFICATE-----');
    expect(accepted.pem).not.toContain('some trailing note');
  });

  it('refuses what is not a PEM certificate', () => {
    for (const text of ['', 'not a certificate', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----']) {
      expect(refusal(text)).toMatchObject({ code: 'validation_failed', details: { reason: 'ca_certificate_not_pem' } });
    }
  });

  it('refuses a private key, even beside the certificate', () => {
    const key = readFileSync(join(dir, 'shop-ca-key.pem'), 'utf8');
    expect(refusal(key)).toMatchObject({ details: { reason: 'ca_certificate_private_key' } });
    expect(refusal(`${current}\n${key}`)).toMatchObject({ details: { reason: 'ca_certificate_private_key' } });
  });

  it('refuses several certificates (a chain): only the CA’s own', () => {
    expect(refusal(`${leaf}\n${current}`)).toMatchObject({ details: { reason: 'ca_certificate_several' } });
  });

  it('refuses a server’s own certificate (not a CA)', () => {
    expect(refusal(leaf)).toMatchObject({ code: 'validation_failed', details: { reason: 'ca_certificate_not_ca' } });
  });

  it('refuses a CA that expired, or is not valid yet, by the till’s clock, and says when', () => {
    expect(refusal(expired)).toMatchObject({ details: { reason: 'ca_certificate_expired', validTo: '2020-02-01T00:00:00.000Z' } });
    expect(refusal(future)).toMatchObject({ details: { reason: 'ca_certificate_not_yet_valid', validFrom: '2099-01-01T00:00:00.000Z' } });
    // The same future CA is fine on a clock that has reached it.
    expect(caCertificateOrRefuse(future, new Date('2099-06-01T00:00:00Z')).fingerprint).toBe(new X509Certificate(future).fingerprint256);
  });
});
