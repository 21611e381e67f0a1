/**
 * A bare client of the Shouqianba Web API written from its public documentation (WoSai/shouqianba-doc,
 * zh-cn/api/sign.md), not from our adapter: `Authorization: sn + " " + MD5(body + key)` over the exact
 * UTF-8 body, `Content-Type: application/json`. Used to check that the sandbox acquirer plays the spec.
 */
import { createHash } from 'node:crypto';

export interface SpecReply {
  readonly http: number;
  /** Header names in lower case → value. */
  readonly headers: Record<string, string>;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: SpecBody | undefined;
}

export interface SpecBody {
  result_code: string;
  error_code?: string;
  error_message?: string;
  biz_response?: {
    result_code?: string;
    error_code?: string;
    error_message?: string;
    terminal_sn?: string;
    terminal_key?: string;
    data?: Record<string, unknown>;
  };
}

export const specSign = (body: string, key: string) => createHash('md5').update(body + key, 'utf8').digest('hex');

export async function specCall(baseUrl: string, path: string, params: Record<string, unknown>, sn: string, key: string, timeoutMs = 5000): Promise<SpecReply> {
  const body = JSON.stringify(params);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `${sn} ${specSign(body, key)}` },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: SpecBody | undefined;
  try {
    json = JSON.parse(text) as SpecBody;
  } catch {
    json = undefined;
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { http: res.status, headers, text, json };
}

/** One activated terminal: every call signed with its current key; `checkin` rotates it as the spec says. */
export class SpecTerminal {
  constructor(
    readonly baseUrl: string,
    readonly terminalSn: string,
    public terminalKey: string,
  ) {}

  call(path: string, params: Record<string, unknown>, timeoutMs?: number): Promise<SpecReply> {
    return specCall(this.baseUrl, path, { terminal_sn: this.terminalSn, ...params }, this.terminalSn, this.terminalKey, timeoutMs);
  }

  async checkin(deviceId: string): Promise<SpecReply> {
    const reply = await this.call('/terminal/checkin', { device_id: deviceId });
    const key = reply.json?.biz_response?.terminal_key;
    if (key) this.terminalKey = key;
    return reply;
  }

  static async activate(baseUrl: string, vendor: { sn: string; key: string; appId: string }, code: string, deviceId: string): Promise<SpecTerminal> {
    const reply = await specCall(baseUrl, '/terminal/activate', { app_id: vendor.appId, code, device_id: deviceId, name: 'spec test' }, vendor.sn, vendor.key);
    const biz = reply.json?.biz_response;
    if (!biz?.terminal_sn || !biz.terminal_key) throw new Error(`activation refused: ${reply.text}`);
    return new SpecTerminal(baseUrl, biz.terminal_sn, biz.terminal_key);
  }
}
