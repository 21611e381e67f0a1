/**
 * Alipay direct (当面付 over the OpenAPI gateway `gateway.do`, payments.md §3): code payment by `alipay.trade.pay`
 * (scene bar_code), merchant QR by `alipay.trade.precreate`, `trade.query`, `trade.cancel` (reversal and same-day
 * void), `trade.refund`, `trade.fastpay.refund.query`, and the business bill through
 * `alipay.data.dataservice.bill.downloadurl.query`. Every call goes through the official `alipay-sdk` (`exec`: it signs
 * the request RSA2 with the app's key and verifies the reply's signature with Alipay's public key); ./outcomes.ts says
 * how replies become outcomes.
 *
 * The calls use the SDK's `exec`, its client of the 1.0 gateway (gateway.do, form POST), which its README marks
 * deprecated in favour of `curl` for the v3 JSON API (/v3/alipay/trade/…, another wire format and signature scheme).
 *
 * What alipay-sdk does not do, and is done here:
 * - It trusts the gateway's TLS against the system's roots only; a sandbox's own CA goes in through its `proxyAgent`
 *   option, given an undici Agent (urllib's, the SDK's own HTTP client) rather than a proxy.
 * - Its errors are one class (AlipayRequestError) for "never connected", "timed out", "HTTP 500", "not JSON" and
 *   "bad signature": whether the request can have reached Alipay is read from the cause's error code (`sentOf`).
 * - It stamps `timestamp` with the process's local time, while Alipay documents Beijing time: a till outside UTC+8
 *   (a cross-border shop) sends its own local time. Nothing here can change that without signing by hand.
 * - The bill is a zip of GBK CSVs behind a URL valid 30 s: fetched with urllib (same agent), unzipped with jszip and
 *   decoded with iconv-lite here.
 * - Its HTTP client (urllib) sends a POST once more after a socket error (`socketErrorRetry`, not an SDK option):
 *   harmless here because every call is idempotent at Alipay (the same out_trade_no / out_request_no), which is
 *   also why a second answer to a lost pay can be ACQ.TRADE_HAS_SUCCESS (→ unknown → query); but a retry refused
 *   at connect does not mean nothing was sent, so `sentOf` looks at urllib's retry count too.
 * Nothing is signed or verified by hand.
 */
import { AlipaySdk } from 'alipay-sdk';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { Agent, request as httpRequest } from 'urllib';
import { acquirerDateOf } from '../../../src-common/business-day';
import { currencyExponent } from '../../../src-common/money';
import type { AlipaySettings } from '../../../src-common/payment-provider';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log';
import type { ProviderPort } from '../gateway';
import { AcquirerError, type StatementRow } from '../port';
import { cancelOutcomeOf, payOutcomeOf, precreateOutcomeOf, queryOutcomeOf, refundOutcomeOf, refundQueryOutcomeOf, type AlipayReply } from './outcomes';
import { normalisedKeys } from './keys';
import { ALIPAY_AUTH_CODE, ALIPAY_CODES, ALIPAY_METHODS, ALIPAY_ORDER_NO, BILL_COLUMNS, amountText, instantOfBeijingTime, minorOfAmountText, type AlipayMethod } from './wire';

export interface AlipayOptions {
  readonly settings: AlipaySettings;
  /** The store's currency (ISO 4217): sent as trans_currency when it is not CNY, and required back. */
  readonly currency?: string;
  readonly timeouts: { readonly payMs: number; readonly queryMs: number; readonly otherMs: number };
  readonly log: Logger;
  readonly clock?: Clock;
}

const MAX_BILL_BYTES = 32 * 1024 * 1024;
/** Error codes that say the connection was never made: the request cannot have reached Alipay. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed exchange can have reached Alipay: false only when a cause says the connection was never made, and
 * urllib did not send the request once already (its retry after a socket error throws only the retry's own error,
 * but its `res` counts the retries).
 */
export function sentOf(error: unknown): boolean {
  let neverConnected = false;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    const { code, res } = e as { code?: unknown; res?: { socketErrorRetries?: unknown; retries?: unknown } };
    if (res && ((typeof res.socketErrorRetries === 'number' && res.socketErrorRetries > 0) || (typeof res.retries === 'number' && res.retries > 0))) return true;
    if (typeof code === 'string' && NOT_SENT.has(code)) neverConnected = true;
  }
  return !neverConnected;
}

/** The business bill (业务明细) CSV in the common statement form; throws AcquirerError on a malformed bill. */
export function parseBusinessBill(csv: string, exponent: number): StatementRow[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const records = parseCsv(lines.join('\n'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const header = records[0]?.map((c) => c.trim());
  if (!header || BILL_COLUMNS.some((c, i) => header[i] !== c)) throw new AcquirerError('bad_reply', 'the Alipay bill does not have the documented columns');
  const rows: StatementRow[] = [];
  for (const record of records.slice(1)) {
    const cell = (name: (typeof BILL_COLUMNS)[number]) => (record[BILL_COLUMNS.indexOf(name)] ?? '').trim();
    const finished = instantOfBeijingTime(cell('完成时间'));
    if (!finished) throw new AcquirerError('bad_reply', `unreadable time in the Alipay bill: ${cell('完成时间')}`);
    const amount = minorOfAmountText(cell('订单金额（元）').replace(/^-/, ''), exponent);
    if (amount === null || amount <= 0) throw new AcquirerError('bad_reply', 'unreadable amount in the Alipay bill');
    const kind = cell('业务类型');
    if (kind !== '交易' && kind !== '退款') continue;
    const requestNo = cell('退款批次号/请求号');
    rows.push({
      clientSn: cell('商户订单号'),
      acquirerSn: cell('支付宝交易号'),
      // A refund without a request number is a cancel (撤销) of a paid order: money back in full.
      type: kind === '交易' ? 'pay' : requestNo ? 'refund' : 'cancel',
      wallet: 'alipay',
      amount,
      status: kind,
      finishedAt: finished.toISOString(),
      refundRequestNo: kind === '退款' && requestNo ? requestNo : null,
    });
  }
  return rows;
}

export function createAlipayPort(options: AlipayOptions): ProviderPort {
  const { settings, timeouts, log } = options;
  const clock = options.clock ?? systemClock;
  const currency = options.currency ?? 'CNY';
  const exponent = currencyExponent(currency);
  const keys = normalisedKeys(settings);
  const agent = settings.caPem ? new Agent({ connect: { ca: settings.caPem } }) : undefined;
  // One client per deadline: alipay-sdk takes its timeout from its configuration.
  const client = (timeout: number) =>
    new AlipaySdk({
      appId: settings.appId,
      privateKey: keys.privateKey,
      keyType: 'PKCS8',
      alipayPublicKey: keys.alipayPublicKey,
      gateway: settings.gatewayUrl,
      signType: 'RSA2',
      timeout,
      camelcase: false,
      // An undici Agent with the sandbox's CA where alipay-sdk expects a ProxyAgent: it only hands it to urllib as the dispatcher.
      ...(agent ? { proxyAgent: agent as unknown as ConstructorParameters<typeof AlipaySdk>[0]['proxyAgent'] } : {}),
    });
  const clients = { pay: client(timeouts.payMs), query: client(timeouts.queryMs), other: client(timeouts.otherMs) };

  const call = async (sdk: AlipaySdk, method: AlipayMethod, bizContent: Record<string, unknown>): Promise<AlipayReply> => {
    try {
      // validateSign: a reply is believed only when Alipay signed it (the SDK throws otherwise).
      const node = (await sdk.exec(method, { bizContent }, { validateSign: true })) as unknown;
      if (!node || typeof node !== 'object') return { ok: false, reason: `${method}: reply has no response node`, sent: true };
      return { ok: true, node: node as Record<string, unknown> };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      // Never the raw reply or signature in the log or the reason: the SDK's message can hold both.
      const reason = /验签失败/.test(message) ? `${method}: reply signature does not verify` : `${method}: ${message.split(/[,，]/)[0]!.slice(0, 120)}`;
      return { ok: false, reason, sent: sentOf(error) };
    }
  };
  const amount = (minor: number) => amountText(minor, exponent);
  const currencyFields = currency === 'CNY' ? {} : { trans_currency: currency, settle_currency: currency };
  const expected = (clientSn: string) => ({ clientSn, currency, exponent });

  const query = async (clientSn: string) => queryOutcomeOf(await call(clients.query, ALIPAY_METHODS.query, { out_trade_no: clientSn }), expected(clientSn), clock.now());
  const refundQuery = async (input: { clientSn: string; refundRequestNo: string; amount: number; refundedBefore: number | null }) =>
    refundQueryOutcomeOf(await call(clients.query, ALIPAY_METHODS.refundQuery, { out_trade_no: input.clientSn, out_request_no: input.refundRequestNo }), { ...input, exponent });
  const cancel = async (clientSn: string) => {
    const outcome = cancelOutcomeOf(await call(clients.other, ALIPAY_METHODS.cancel, { out_trade_no: clientSn }), { clientSn });
    log.info({ clientSn, outcome: outcome.kind }, 'alipay trade.cancel');
    return outcome;
  };

  return {
    async pay(input) {
      if (!ALIPAY_ORDER_NO.test(input.clientSn)) return { kind: 'failed', code: 'other', message: 'out_trade_no is not 1–64 letters, digits or _' };
      if (!ALIPAY_AUTH_CODE.test(input.authCode)) return { kind: 'failed', code: 'code_invalid', message: 'an Alipay payment code is 16–24 digits starting 25–30' };
      const reply = await call(clients.pay, ALIPAY_METHODS.pay, {
        out_trade_no: input.clientSn,
        scene: 'bar_code',
        auth_code: input.authCode,
        product_code: 'FACE_TO_FACE_PAYMENT',
        subject: Array.from(input.subject).slice(0, 128).join('') || 'POS',
        total_amount: amount(input.amount),
        operator_id: input.operator.slice(0, 28),
        ...currencyFields,
      });
      const outcome = payOutcomeOf(reply, { ...expected(input.clientSn), amount: input.amount }, clock.now());
      log.info({ clientSn: input.clientSn, outcome: outcome.kind, ...(outcome.kind === 'unknown' ? { reason: outcome.reason } : {}) }, 'alipay trade.pay');
      return outcome;
    },
    async precreate(input) {
      if (input.wallet !== 'alipay') return { kind: 'failed', message: `Alipay direct shows no ${input.wallet} QR` };
      const reply = await call(clients.pay, ALIPAY_METHODS.precreate, {
        out_trade_no: input.clientSn,
        subject: Array.from(input.subject).slice(0, 128).join('') || 'POS',
        total_amount: amount(input.amount),
        operator_id: input.operator.slice(0, 28),
        ...currencyFields,
      });
      const outcome = precreateOutcomeOf(reply, { clientSn: input.clientSn });
      log.info({ clientSn: input.clientSn, outcome: outcome.kind }, 'alipay trade.precreate');
      return outcome;
    },
    query,
    cancel,
    // A same-day void: alipay.trade.cancel returns a paid order's money within 24 h of its creation.
    revoke: cancel,
    async refund(input) {
      const reply = await call(clients.other, ALIPAY_METHODS.refund, {
        out_trade_no: input.clientSn,
        out_request_no: input.refundRequestNo,
        refund_amount: amount(input.amount),
        operator_id: input.operator.slice(0, 28),
      });
      const outcome = refundOutcomeOf(reply, { clientSn: input.clientSn, exponent });
      log.info({ clientSn: input.clientSn, refundRequestNo: input.refundRequestNo, outcome: typeof outcome === 'string' ? outcome : outcome.kind }, 'alipay trade.refund');
      if (outcome !== 'ask') return outcome;
      // fund_change N: a repeat of a refund made before, or money not moved yet: the refund's own record says.
      const status = await refundQuery({ ...input, refundedBefore: null });
      return status.kind === 'not_arrived' ? { kind: 'in_progress' } : status;
    },
    refundStatus: (input) => refundQuery(input),
    async statement(date) {
      const reply = await call(clients.other, ALIPAY_METHODS.billUrl, { bill_type: 'trade', bill_date: date });
      if (!reply.ok) throw new AcquirerError(reply.sent ? 'bad_reply' : 'network', reply.reason);
      const n = reply.node;
      if (n.code !== ALIPAY_CODES.success) {
        // No trade that day: Alipay answers isp.bill_not_exist.
        if (n.sub_code === 'isp.bill_not_exist') return [];
        throw new AcquirerError(typeof n.sub_code === 'string' ? n.sub_code : 'bad_reply', `bill download: ${String(n.sub_msg ?? n.msg ?? n.code)}`);
      }
      if (typeof n.bill_download_url !== 'string') throw new AcquirerError('bad_reply', 'bill download reply has no bill_download_url');
      let zipped: Buffer;
      try {
        const res = await httpRequest(n.bill_download_url, { method: 'GET', dataType: 'buffer', timeout: timeouts.otherMs, ...(agent ? { dispatcher: agent } : {}) });
        if (res.status !== 200) throw new AcquirerError('server_error', `bill file: HTTP ${res.status}`);
        zipped = res.data as Buffer;
      } catch (error) {
        if (error instanceof AcquirerError) throw error;
        throw new AcquirerError('network', `bill file: ${(error as Error).message}`);
      }
      if (zipped.length > MAX_BILL_BYTES) throw new AcquirerError('bad_reply', 'the bill file is too large');
      let csv: string | null = null;
      try {
        const zip = await JSZip.loadAsync(zipped);
        const file = Object.values(zip.files).find((f) => !f.dir && /业务明细\.csv$/.test(f.name) && !/汇总/.test(f.name));
        if (file) csv = iconv.decode(await file.async('nodebuffer'), 'gbk');
      } catch (error) {
        throw new AcquirerError('bad_reply', `the bill file is not a readable zip: ${(error as Error).message}`);
      }
      if (csv === null) throw new AcquirerError('bad_reply', 'the bill zip holds no 业务明细 CSV');
      return parseBusinessBill(csv, exponent).filter((row) => acquirerDateOf(new Date(row.finishedAt)) === date);
    },
  };
}
