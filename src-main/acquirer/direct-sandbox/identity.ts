/**
 * Makes a direct provider's built-in sandbox identity (run in the sandbox's thread, once, when the technician first
 * chooses it): a CA and a server certificate for 127.0.0.1, the merchant's or app's keys and certificates, the
 * provider's own signing key, and random merchant ids — both sides of what a real contract would give. X.509
 * certificates are written by the system's `openssl`, as the store server's own (server/tls.ts): node:crypto cannot.
 */
import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes, randomInt, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DirectSandboxIdentity, DirectSandboxProvider, SandboxTls } from './protocol';

const run = promisify(execFile);
const generate = promisify(generateKeyPair);
/** The sandbox's certificates last ten years: a demo till is not asked to renew them. */
const DAYS = '3650';

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'The built-in sandbox needs the openssl command to make its certificates, and it is not installed' : `openssl failed: ${(error as Error).message}`, { cause: error });
  }
}

/** A CA (EC P-256) in `dir`: its certificate and key files. */
async function makeCa(dir: string, name: string, cn: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256', '-days', DAYS, '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert]);
  return { cert, key };
}

/** A certificate issued by `ca` (EC P-256 key unless `rsa`), with `extension` (one openssl -extfile line). */
async function issue(dir: string, name: string, cn: string, ca: { cert: string; key: string }, extension: string, rsa = false): Promise<{ certPem: string; keyPem: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  const newKey = rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await openssl(['req', '-new', ...newKey, '-nodes', '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr]);
  await writeFile(ext, `${extension}\n`);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-sha256', '-days', DAYS, '-extfile', ext, '-out', cert]);
  return { certPem: await readFile(cert, 'utf8'), keyPem: await readFile(key, 'utf8') };
}

async function serverTls(dir: string, what: string): Promise<SandboxTls> {
  const ca = await makeCa(dir, 'server-ca', `Jiezhang built-in ${what} sandbox CA`);
  const server = await issue(dir, 'server', '127.0.0.1', ca, 'subjectAltName=IP:127.0.0.1');
  return { caPem: await readFile(ca.cert, 'utf8'), ...server };
}

async function rsaPair(privateType: 'pkcs1' | 'pkcs8'): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: privateType, format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const digits = (n: number) => Array.from({ length: n }, (_, i) => String(randomInt(i === 0 ? 1 : 0, 10))).join('');
const wechatAppId = () => `wx${randomBytes(8).toString('hex')}`;

export async function makeSandboxIdentity(provider: DirectSandboxProvider): Promise<DirectSandboxIdentity> {
  const dir = await mkdtemp(join(tmpdir(), `jiezhang-${provider}-sandbox-`));
  try {
    if (provider === 'wechat_v2') {
      const tls = await serverTls(dir, 'WeChat Pay v2');
      const mchId = digits(10);
      const merchantCa = await makeCa(dir, 'merchant-ca', 'Jiezhang built-in WeChat Pay v2 merchant CA');
      const merchant = await issue(dir, 'merchant', mchId, merchantCa, 'basicConstraints=CA:FALSE');
      return {
        provider,
        tls,
        clientCaPem: await readFile(merchantCa.cert, 'utf8'),
        // HMAC-SHA256 is the stronger of v2's two; a 32-character key of hex digits (letters and digits, as WeChat's).
        till: { appId: wechatAppId(), mchId, signType: 'HMAC-SHA256', apiKey: randomBytes(16).toString('hex'), certPem: merchant.certPem, keyPem: merchant.keyPem, caPem: tls.caPem },
      };
    }
    if (provider === 'wechat_v3') {
      const tls = await serverTls(dir, 'WeChat Pay v3');
      const mchId = digits(10);
      // The merchant API certificate (apiclient_cert.pem): v3 signs requests with its RSA 2048 key, named by its serial.
      const merchantCa = await makeCa(dir, 'merchant-ca', 'Jiezhang built-in WeChat Pay v3 merchant CA');
      const merchant = await issue(dir, 'merchant', mchId, merchantCa, 'basicConstraints=CA:FALSE', true);
      const cert = new X509Certificate(merchant.certPem);
      const platform = await rsaPair('pkcs8');
      return {
        provider,
        tls,
        merchantPublicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        platformPrivateKeyPem: platform.privateKeyPem,
        till: {
          appId: wechatAppId(),
          mchId,
          merchantSerialNo: cert.serialNumber.toUpperCase(),
          merchantCertPem: merchant.certPem,
          merchantKeyPem: merchant.keyPem,
          platformPublicKeyPem: platform.publicKeyPem,
          // Named like WeChat Pay's public key ids (PUB_KEY_ID_ + the merchant id and digits).
          platformSerial: `PUB_KEY_ID_01${mchId}${digits(20)}`,
          caPem: tls.caPem,
          // At WeChat Pay's global API (a store not in CNY) the merchant is an institution paying for one
          // sub-merchant, as everywhere but Hong Kong and the UK; the domestic API does not read these.
          globalMode: 'institutional',
          subMchId: digits(10),
          merchantCategoryCode: '5499',
        },
      };
    }
    const tls = await serverTls(dir, 'Alipay');
    const [app, alipay] = await Promise.all([rsaPair('pkcs1'), rsaPair('pkcs8')]);
    return {
      provider,
      tls,
      appPublicKeyPem: app.publicKeyPem,
      alipayPrivateKeyPem: alipay.privateKeyPem,
      till: { appId: `2021${digits(12)}`, privateKeyPem: app.privateKeyPem, alipayPublicKeyPem: alipay.publicKeyPem, caPem: tls.caPem },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
