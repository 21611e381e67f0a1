/**
 * A WeChat Pay v2 sandbox for tests, with its certificates made by the system's openssl: a CA for the sandbox's
 * server certificate (127.0.0.1) and another for merchants' API certificates (mutual TLS on /secapi), and one
 * merchant certificate signed by it, as WeChat issues one to a merchant.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WechatV2Settings } from '../../src-common/payment-provider';
import { startWechatV2Sandbox, type WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import type { CnyRates } from '../../src-main/acquirer/sandbox/cny-rates';
import { tempDir } from './host';

export interface WechatCertificates {
  serverCa: string;
  server: { cert: string; key: string };
  merchantCa: string;
  merchant: { cert: string; key: string };
  /** A merchant certificate from a CA the sandbox does not trust. */
  stranger: { cert: string; key: string };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`]);
  return { cert, key };
}

function issue(dir: string, name: string, ca: { cert: string; key: string }, days: number, extension?: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  const ext = join(dir, `${name}.ext`);
  execFileSync('sh', ['-c', `printf '%s\\n' "${extension ?? 'basicConstraints=CA:FALSE'}" > "${ext}"`]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', String(days), '-extfile', ext]);
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

export function makeWechatCertificates(): WechatCertificates {
  const dir = tempDir('wechat-certs-');
  const serverCa = makeCa(dir, 'sandbox-server-ca');
  const merchantCa = makeCa(dir, 'wechat-merchant-ca');
  const strangerCa = makeCa(dir, 'stranger-ca');
  return {
    serverCa: readFileSync(serverCa.cert, 'utf8'),
    server: issue(dir, 'sandbox-server', serverCa, 2, 'subjectAltName=IP:127.0.0.1'),
    merchantCa: readFileSync(merchantCa.cert, 'utf8'),
    merchant: issue(dir, '1900000109', merchantCa, 2),
    stranger: issue(dir, 'stranger', strangerCa, 2),
  };
}

export const TEST_MERCHANT = { appId: 'wx8888888888888888', mchId: '1900000109', apiKey: '192006250b4c09247ec02edce69f6a2d' } as const;

export async function startTestWechatSandbox(certs: WechatCertificates, options: { scale?: number; dbPath?: string; cnyRates?: CnyRates } = {}): Promise<WechatV2Sandbox> {
  return startWechatV2Sandbox({
    dbPath: options.dbPath ?? join(tempDir('wechat-sandbox-'), 'wechat-v2.sqlite'),
    tls: { cert: certs.server.cert, key: certs.server.key, clientCa: certs.merchantCa },
    merchant: TEST_MERCHANT,
    scale: options.scale ?? 1,
    ...(options.cnyRates ? { cnyRates: options.cnyRates } : {}),
  });
}

/** What the technician types for the test merchant at this sandbox. */
export function testWechatSettings(sandbox: WechatV2Sandbox, certs: WechatCertificates, signType: WechatV2Settings['signType'] = 'HMAC-SHA256'): WechatV2Settings {
  return { baseUrl: sandbox.url, ...TEST_MERCHANT, signType, certPem: certs.merchant.cert, keyPem: certs.merchant.key, caPem: certs.serverCa };
}
