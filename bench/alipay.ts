import { createSign, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaymentView } from '../src-common/schemas';
import { ALIPAY_METHODS, requestSignContent } from '../src-main/acquirer/alipay/wire';
import { sandboxPaymentCode } from '../src-main/acquirer/sandbox/test-codes';
import { parseConfig } from '../src-main/config';
import { createPos } from '../src-main/pos';
import { newSession } from '../src-common/roles';
import { DEFAULT_USERS } from '../src-main/services/auth';
import { startAlipaySandbox } from '../src-main/acquirer/alipay/sandbox';
import { makeAlipayKeys, TEST_APP_ID, testAlipaySettings } from '../test/helpers/alipay-sandbox';
import { demoBarcodes, signedInCashier } from './cashier';
import { percentile } from './stats';

const WARM_UP = 30;
const ms = (ns: bigint) => Number(ns) / 1e6;
const round3 = (x: number) => Number(x.toFixed(3));
function p50p99(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round3(percentile(sorted, 50)), p99: round3(percentile(sorted, 99)) };
}

/**
 * Alipay code scanned → `alipay.trade.pay` at the gateway (issue 18: scan → request per provider, beyond a loopback
 * round trip, RSA signing included). The whole terminal runs in this process, Alipay routed to Alipay direct (the
 * provider over alipay-sdk, HTTPS with the sandbox's CA) against the Alipay gateway sandbox on loopback. One sample:
 * from the `payment.payByCode` dispatch to the moment the sandbox has the pay request's headers (the checks, the
 * durable commit-before-send, the SDK's RSA2 signing, HTTPS on the SDK's pooled connection).
 *
 * Baselines in the same run, interleaved: a raw HTTPS POST of a gateway-sized form body to a trivial HTTPS server on
 * 127.0.0.1 on a kept-alive connection (as the SDK's client keeps its own), timed to the end of its reply; and the
 * RSA2 (SHA256withRSA, 2048-bit) signing of a pay request's content and the verification of a reply, alone.
 */
export async function alipayScanToGateway(count = 200) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-bench-alipay-'));
  const keys = makeAlipayKeys();
  let payArrivedAt: bigint | null = null;
  const gateway = await startAlipaySandbox({
    dbPath: join(dataDir, 'alipay.sqlite'),
    app: { appId: TEST_APP_ID, publicKeyPem: keys.app.publicKeyPem },
    alipayPrivateKeyPem: keys.alipay.privateKeyPem,
    tls: { cert: keys.tls.cert, key: keys.tls.key },
    onRequest: (method, at) => {
      if (method === ALIPAY_METHODS.pay) payArrivedAt = at;
    },
  });
  const baseline = await startTrivialHttpsServer(keys.tls);
  const agent = new Agent({ keepAlive: true, ca: keys.tls.ca });
  const pos = await createPos({ dataDir, config: parseConfig({ log: { level: 'warn' } }) });
  try {
    const technician = newSession();
    const users = await pos.dispatch('auth.users', {}, technician);
    if (!users.ok) throw new Error('auth.users failed');
    await pos.dispatch('auth.signIn', { userId: (users.value as { id: string; role: string }[]).find((u) => u.role === 'technician')!.id, pin: DEFAULT_USERS.find((u) => u.role === 'technician')!.pin }, technician);
    const set = await pos.dispatch('gateway.setAlipay', testAlipaySettings(gateway, keys), technician);
    const routed = await pos.dispatch('gateway.setRoutes', { routes: [{ wallet: 'alipay', provider: 'alipay' }] }, technician);
    if (!set.ok || !routed.ok) throw new Error(`Alipay direct not set up: ${JSON.stringify(set.ok ? routed : set)}`);
    const cashier = await signedInCashier(pos);
    const barcodes = await demoBarcodes(cashier);

    const sale = async (i: number): Promise<bigint> => {
      await cashier.call('sale.scan', { code: barcodes[i % barcodes.length]! });
      payArrivedAt = null;
      const dispatched = process.hrtime.bigint();
      const payment = (await cashier.call('payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') })) as PaymentView;
      const arrived = payArrivedAt as bigint | null;
      if (payment.status !== 'paid') throw new Error(`sale ${i}: payment ${payment.status} ${payment.failureCode ?? ''}`);
      if (arrived === null || arrived < dispatched) throw new Error(`sale ${i}: the gateway saw no pay request after the dispatch`);
      return arrived - dispatched;
    };
    const body = gatewayLikeBody();
    for (let i = 0; i < WARM_UP; i++) {
      await sale(i);
      await roundTrip(baseline.port, agent, body);
    }
    const figure: number[] = [];
    const loopback: number[] = [];
    for (let i = 0; i < count; i++) {
      figure.push(ms(await sale(WARM_UP + i)));
      loopback.push(ms(await roundTrip(baseline.port, agent, body)));
    }
    const signing: number[] = [];
    const verifying: number[] = [];
    const content = requestSignContent(Object.fromEntries(new URLSearchParams(body.toString())));
    const reply = JSON.stringify({ code: '10000', msg: 'Success', trade_no: '2026120622001400001234567890', out_trade_no: '202612060123456789ab', total_amount: '3.50' });
    const replySign = createSign('RSA-SHA256').update(reply, 'utf8').sign(keys.alipay.privateKeyPem, 'base64');
    for (let i = 0; i < count + WARM_UP; i++) {
      let t = process.hrtime.bigint();
      createSign('RSA-SHA256').update(content, 'utf8').sign(keys.app.privateKeyPem, 'base64');
      if (i >= WARM_UP) signing.push(ms(process.hrtime.bigint() - t));
      t = process.hrtime.bigint();
      createVerify('RSA-SHA256').update(reply, 'utf8').verify(keys.alipay.publicKeyPem, replySign, 'base64');
      if (i >= WARM_UP) verifying.push(ms(process.hrtime.bigint() - t));
    }
    const f = p50p99(figure);
    const b = p50p99(loopback);
    return {
      samples: count,
      scanToGatewayP50Ms: f.p50,
      scanToGatewayP99Ms: f.p99,
      /** Raw HTTPS POST of a gateway-sized form on a kept-alive loopback connection, to the end of the reply. */
      baselineHttpsRoundTripP50Ms: b.p50,
      baselineHttpsRoundTripP99Ms: b.p99,
      beyondRoundTripP50Ms: round3(f.p50 - b.p50),
      beyondRoundTripP99Ms: round3(f.p99 - b.p99),
      /** SHA256withRSA, 2048-bit: the request's signing (alipay-sdk does it once a call) and a reply's verification. */
      rsa2SignP50Ms: p50p99(signing).p50,
      rsa2SignP99Ms: p50p99(signing).p99,
      rsa2VerifyP50Ms: p50p99(verifying).p50,
      rsa2VerifyP99Ms: p50p99(verifying).p99,
    };
  } finally {
    await pos.close();
    agent.destroy();
    await baseline.close();
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The form of an alipay.trade.pay request: common parameters, a pay biz_content and a 2048-bit RSA signature's length. */
function gatewayLikeBody(): URLSearchParams {
  return new URLSearchParams({
    method: ALIPAY_METHODS.pay,
    app_id: '2021000122671080',
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    timestamp: '2026-12-06 10:00:00',
    biz_content: JSON.stringify({ out_trade_no: '202612060123456789ab', scene: 'bar_code', auth_code: '287634438256643940', product_code: 'FACE_TO_FACE_PAYMENT', subject: '演示便利店', total_amount: '3.50', operator_id: '01JBENCH0000000000000000000' }),
    sign: 'A'.repeat(344),
  });
}

async function startTrivialHttpsServer(tls: { cert: string; key: string }) {
  const reply = Buffer.from(JSON.stringify({ alipay_trade_pay_response: { code: '10000', msg: 'Success' }, sign: 'A'.repeat(344) }));
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', 'content-length': String(reply.length) }).end(reply));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function roundTrip(port: number, agent: Agent, body: URLSearchParams): Promise<bigint> {
  const payload = Buffer.from(body.toString(), 'utf8');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      { host: '127.0.0.1', port, path: '/gateway.do', method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', 'content-length': String(payload.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(process.hrtime.bigint() - started));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
