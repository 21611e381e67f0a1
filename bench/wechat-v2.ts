/**
 * WeChat Pay API v2 micropay at the v2 sandbox (issue 18, `npm run bench`): what a payment costs beyond a loopback
 * HTTPS round trip, and the signing inside it.
 *
 * One sample = `port.pay()` of the v2 adapter (sign the XML with HMAC-SHA256 or MD5 over the API key, a fresh TLS
 * connection, the sandbox checking the signature, writing its ledger and signing its reply, the adapter checking
 * it) with a fresh `0000` code, to its outcome. The baseline, interleaved with the payments so both see the same
 * machine state: a raw node:https POST of a micropay-sized XML body to a trivial HTTPS server on 127.0.0.1 with the
 * sandbox's certificate, answering at once, on a fresh connection each time like the adapter. `sign` and `verify`
 * time the signature alone (one request; one reply check). v2 signs with a shared key, no RSA: reversals go over
 * mutual TLS with the merchant's certificate instead (not on the pay path).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { WechatV2Settings } from '../src-common/payment-provider';
import { sandboxPaymentCode } from '../src-main/acquirer/sandbox/test-codes';
import { verifyWechatV2Sign, wechatV2Sign } from '../src-main/acquirer/signing';
import { createWechatV2Port } from '../src-main/acquirer/wechat/v2';
import { toWechatXml } from '../src-main/acquirer/wechat/xml';
import { makeWechatCertificates, startTestWechatSandbox, testWechatSettings, TEST_MERCHANT } from '../test/helpers/wechat-sandbox';
import { tempDir } from '../test/helpers/host';
import { beyond, nsToMs as ms, p50p99, trivialHttps } from './https-baseline';

const WARM_UP = 30;

async function micropayRounds(signType: WechatV2Settings['signType'], count: number) {
  const dir = tempDir('pos-bench-wx2-');
  try {
    const certs = makeWechatCertificates();
    const sandbox = await startTestWechatSandbox(certs, { dbPath: join(dir, 'ledger.sqlite') });
    const baseline = await trivialHttps(certs.server, { contentType: 'text/xml', body: '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>' });
    const port = createWechatV2Port({ settings: testWechatSettings(sandbox, certs, signType), timeouts: { payMs: 10_000, queryMs: 10_000, otherMs: 10_000 }, log: pino({ level: 'silent' }) });
    const fields = { appid: TEST_MERCHANT.appId, mch_id: TEST_MERCHANT.mchId, nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', body: '结账 POS 演示', out_trade_no: '20261206000000000001', total_fee: '1234', fee_type: 'CNY', spbill_create_ip: '127.0.0.1', auth_code: '134567890123450000', sign_type: signType };
    const body = toWechatXml({ ...fields, sign: wechatV2Sign(fields, TEST_MERCHANT.apiKey, signType) });
    const pays: number[] = [];
    const raws: number[] = [];
    for (let i = 0; i < WARM_UP + count; i++) {
      const t0 = process.hrtime.bigint();
      const outcome = await port.pay({ clientSn: `BENCH${signType.slice(0, 3)}${String(i).padStart(8, '0')}`, amount: 1234, authCode: sandboxPaymentCode('wechat', '0000'), subject: '结账 POS', operator: 'bench' });
      const t1 = process.hrtime.bigint();
      if (outcome.kind !== 'paid') throw new Error(`bench payment ${i} ended ${outcome.kind}`);
      await baseline.post(certs.serverCa, '/pay/micropay', 'text/xml', body);
      const t2 = process.hrtime.bigint();
      if (i >= WARM_UP) {
        pays.push(ms(t1 - t0));
        raws.push(ms(t2 - t1));
      }
    }
    const signs: number[] = [];
    const verifies: number[] = [];
    const reply = { ...fields, return_code: 'SUCCESS', result_code: 'SUCCESS', transaction_id: '4200000000202612060000000001', time_end: '20261206120000' };
    const signed = { ...reply, sign: wechatV2Sign(reply, TEST_MERCHANT.apiKey, signType) };
    for (let i = 0; i < WARM_UP + count; i++) {
      const t0 = process.hrtime.bigint();
      wechatV2Sign(fields, TEST_MERCHANT.apiKey, signType);
      const t1 = process.hrtime.bigint();
      if (!verifyWechatV2Sign(signed, TEST_MERCHANT.apiKey, signType)) throw new Error('the bench reply does not verify');
      const t2 = process.hrtime.bigint();
      if (i >= WARM_UP) {
        signs.push(ms(t1 - t0));
        verifies.push(ms(t2 - t1));
      }
    }
    await sandbox.close();
    await baseline.close();
    const pay = p50p99(pays);
    const raw = p50p99(raws);
    return { micropayRoundTrip: pay, loopbackHttpsBaseline: raw, beyondBaseline: beyond(pay, raw), sign: p50p99(signs), verify: p50p99(verifies) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function wechatV2Micropay(count = 200) {
  return {
    unit: 'ms',
    samples: count,
    'HMAC-SHA256': await micropayRounds('HMAC-SHA256', count),
    MD5: await micropayRounds('MD5', count),
    note: 'the round trip includes the sandbox checking the signature, writing its SQLite ledger and signing its reply',
  };
}
