/**
 * A WeChat Pay v3 request as the documentation describes one, without the adapter: JSON signed with the merchant's
 * key (Authorization WECHATPAY2-SHA256-RSA2048), over HTTPS, and the reply's signature checked with the platform key.
 */
import { createPrivateKey } from 'node:crypto';
import { request } from 'node:https';
import { TEST_V3_MERCHANT, type WechatV3Keys } from './wechat-v3-sandbox';
import { v3Authorization, verifyV3Reply } from '../../src-main/acquirer/wechat/v3-sign';

export async function signedV3Request(
  sandbox: { url: string },
  keys: WechatV3Keys,
  method: 'GET' | 'POST',
  path: string,
  body: object | null,
  mchId: string = TEST_V3_MERCHANT.mchId,
  /** The clock the request is signed by and the reply checked against (a sandbox whose clock is not the real one). */
  at: Date = new Date(),
): Promise<{ status: number; text: string; json: unknown; verified: boolean }> {
  const text = body === null ? '' : JSON.stringify(body);
  const authorization = v3Authorization(
    { mchId, serialNo: keys.merchant.serialNo, privateKey: createPrivateKey(keys.merchant.keyPem) },
    { method, url: path, body: text },
    { timestamp: String(Math.floor(at.getTime() / 1000)) },
  );
  const reply = await sendV3(sandbox, keys, method, path, body === null ? null : text, authorization);
  const verified = verifyV3Reply(reply.headers, reply.text, { serial: keys.platform.serial, publicKey: keys.platform.publicKeyPem }, at).ok;
  return { status: reply.status, text: reply.text, json: jsonOf(reply.text), verified };
}

function jsonOf(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

export type SentV3 = { status: number; text: string; headers: Record<string, string | string[] | undefined> };

/** The HTTPS exchange itself: `text` sent as the JSON body (null: none) under the given Authorization, the reply as it came. */
export function sendV3(sandbox: { url: string }, keys: WechatV3Keys, method: 'GET' | 'POST', path: string, text: string | null, authorization: string): Promise<SentV3> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', authorization, ...(text !== null ? { 'content-type': 'application/json' } : {}) };
    const req = request(new URL(path, sandbox.url), { method, ca: keys.tls.serverCa, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(text ?? undefined);
  });
}
