/**
 * An Alipay gateway sandbox for tests: the app's and "Alipay's" RSA key pairs (2048 bits, made here), and a TLS
 * server certificate for 127.0.0.1 from a CA made by the system's openssl, which the till is given as caPem.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlipaySettings } from '../../src-common/payment-provider';
import { startAlipaySandbox, type AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import type { CnyRates } from '../../src-main/acquirer/sandbox/cny-rates';
import { tempDir } from './host';

export interface AlipayKeys {
  /** The app's key pair: the till signs with the private key (PKCS#1 PEM, as Alipay's key tool converts it), the gateway verifies. */
  app: { privateKeyPem: string; publicKeyPem: string };
  /** Alipay's key pair: the sandbox signs replies, the till verifies with the public key. */
  alipay: { privateKeyPem: string; publicKeyPem: string };
  /** The sandbox's TLS certificate (127.0.0.1) and the CA that signed it. */
  tls: { cert: string; key: string; ca: string };
}

export const TEST_APP_ID = '2021000122671080';

function rsaPair(privateType: 'pkcs1' | 'pkcs8') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: privateType, format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function makeAlipayKeys(): AlipayKeys {
  const dir = tempDir('alipay-keys-');
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=alipay-sandbox-ca']);
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return {
    app: rsaPair('pkcs1'),
    alipay: rsaPair('pkcs8'),
    tls: { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8'), ca: readFileSync(caCert, 'utf8') },
  };
}

export async function startTestAlipaySandbox(keys: AlipayKeys, options: { scale?: number; dbPath?: string; cnyRates?: CnyRates } = {}): Promise<AlipaySandbox> {
  return startAlipaySandbox({
    dbPath: options.dbPath ?? join(tempDir('alipay-sandbox-'), 'alipay.sqlite'),
    app: { appId: TEST_APP_ID, publicKeyPem: keys.app.publicKeyPem },
    alipayPrivateKeyPem: keys.alipay.privateKeyPem,
    tls: { cert: keys.tls.cert, key: keys.tls.key },
    scale: options.scale ?? 1,
    ...(options.cnyRates ? { cnyRates: options.cnyRates } : {}),
  });
}

/** What the technician types for the test app at this sandbox. */
export function testAlipaySettings(sandbox: AlipaySandbox, keys: AlipayKeys): AlipaySettings {
  return { gatewayUrl: sandbox.gatewayUrl, appId: TEST_APP_ID, privateKeyPem: keys.app.privateKeyPem, alipayPublicKeyPem: keys.alipay.publicKeyPem, caPem: keys.tls.ca };
}
