/**
 * WeChat Pay API v3 signatures (pay.weixin.qq.com/doc/v3 签名生成 / 应答签名验证): SHA256withRSA over a message
 * of lines, each ended by "\n".
 *
 * Request:  message = METHOD \n URL (path and query) \n timestamp \n nonce \n body \n, signed with the merchant's
 *           private key; sent as `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
 *           signature="…",timestamp="…",serial_no="…"` (serial_no: the merchant API certificate's serial).
 * Reply:    message = Wechatpay-Timestamp \n Wechatpay-Nonce \n body \n, verified with the platform public key
 *           named by Wechatpay-Serial; a timestamp more than 5 minutes from now is refused (a replayed reply).
 * Verification never throws: an unreadable key or signature is simply "does not verify".
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

export const V3_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** Replies (and, at the sandbox, requests) whose timestamp is further than this from now are refused. */
export const V3_MAX_SKEW_MS = 5 * 60_000;

export function v3Message(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

export function rsaSha256Sign(message: string, privateKey: string | KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

export function rsaSha256Verify(message: string, signature: string, publicKey: string | KeyObject): boolean {
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export interface V3Signer {
  readonly mchId: string;
  /** The merchant API certificate's serial number. */
  readonly serialNo: string;
  readonly privateKey: string | KeyObject;
}

export interface V3AuthorizationParts {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** The Authorization header of one request; `url` is its path and query, exactly as sent. */
export function v3Authorization(
  signer: V3Signer,
  request: { method: string; url: string; body: string },
  at: { timestamp?: string; nonce?: string } = {},
): string {
  const timestamp = at.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = at.nonce ?? randomBytes(16).toString('hex').toUpperCase();
  const signature = rsaSha256Sign(v3Message([request.method.toUpperCase(), request.url, timestamp, nonce, request.body]), signer.privateKey);
  return `${V3_SCHEME} mchid="${signer.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${signer.serialNo}"`;
}

/** The parts of an Authorization header, or null unless it is the v3 scheme with all five parts. */
export function parseV3Authorization(header: string | undefined): V3AuthorizationParts | null {
  if (!header?.startsWith(`${V3_SCHEME} `)) return null;
  const parts: Record<string, string> = {};
  for (const m of header.slice(V3_SCHEME.length + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) parts[m[1]!] = m[2]!;
  const { mchid, nonce_str, signature, timestamp, serial_no } = parts;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** Whether a v3 Unix-seconds timestamp is within the allowed skew of now. */
export function freshTimestamp(timestamp: string | undefined, now: Date, maxSkewMs = V3_MAX_SKEW_MS): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) * 1000 - now.getTime()) <= maxSkewMs;
}

/** The signature headers of a reply (lower-case names, as node gives them). */
export interface V3ReplyHeaders {
  'wechatpay-signature'?: string;
  'wechatpay-timestamp'?: string;
  'wechatpay-nonce'?: string;
  'wechatpay-serial'?: string;
}

export interface V3Platform {
  /** The platform public key id (PUB_KEY_ID_…) or the platform certificate's serial. */
  readonly serial: string;
  readonly publicKey: string | KeyObject;
}

export type V3ReplyCheck = { ok: true } | { ok: false; reason: string };

/** Checks a reply's signature headers against the platform key: serial, freshness, signature over the exact body. */
export function verifyV3Reply(headers: Readonly<Record<string, string | string[] | undefined>>, body: string, platform: V3Platform, now: Date): V3ReplyCheck {
  const one = (name: keyof V3ReplyHeaders) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const signature = one('wechatpay-signature');
  const timestamp = one('wechatpay-timestamp');
  const nonce = one('wechatpay-nonce');
  const serial = one('wechatpay-serial');
  if (!signature || !timestamp || !nonce || !serial) return { ok: false, reason: 'reply is not signed' };
  if (serial.toUpperCase() !== platform.serial.toUpperCase()) return { ok: false, reason: `reply is signed by key ${serial}, not the platform key ${platform.serial}` };
  if (!freshTimestamp(timestamp, now)) return { ok: false, reason: `reply timestamp ${timestamp} is more than 5 minutes from now` };
  if (!rsaSha256Verify(v3Message([timestamp, nonce, body]), signature, platform.publicKey)) return { ok: false, reason: 'reply signature does not verify' };
  return { ok: true };
}

/** Signature headers for a reply (the sandbox's side, and tests'). */
export function signV3Reply(body: string, platform: { serial: string; privateKey: string | KeyObject }, at: { timestamp?: string; nonce?: string } = {}): Record<string, string> {
  const timestamp = at.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = at.nonce ?? randomBytes(16).toString('hex');
  return {
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Serial': platform.serial,
    'Wechatpay-Signature-Type': V3_SCHEME,
    'Wechatpay-Signature': rsaSha256Sign(v3Message([timestamp, nonce, body]), platform.privateKey),
  };
}

/**
 * What is wrong with a merchant key and platform key pair as the technician typed them, or null: keys that do not
 * read, a merchant key that is not RSA of at least 2048 bits, a certificate whose key is not the private key's.
 */
export function v3KeyProblem(input: { merchantKeyPem: string; merchantCertPem?: string; platformPublicKeyPem: string }): string | null {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(input.merchantKeyPem);
  } catch {
    return 'the merchant private key cannot be read';
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'the merchant private key is not RSA of 2048 bits or more';
  try {
    createPublicKey(input.platformPublicKeyPem);
  } catch {
    return 'the platform public key cannot be read';
  }
  if (input.merchantCertPem) {
    try {
      const fromCert = createPublicKey(input.merchantCertPem).export({ format: 'der', type: 'spki' });
      const fromKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      if (!fromCert.equals(fromKey)) return 'the merchant certificate is not for this private key';
    } catch {
      return 'the merchant certificate cannot be read';
    }
  }
  return null;
}
