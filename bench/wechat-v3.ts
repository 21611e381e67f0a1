/**
 * WeChat Pay API v3 code pay at the v3 sandbox (issue 18, `npm run bench`): what a payment costs beyond a loopback
 * HTTPS round trip, and the RSA signing and verification inside it.
 *
 * One sample = `port.pay()` of the v3 adapter (sign the request with the merchant's RSA 2048 key, a fresh TLS
 * connection, the sandbox verifying the signature, writing its ledger and signing its reply, the adapter verifying
 * it) with a fresh `0000` code, to its outcome. The baseline, interleaved with the payments so both see the same
 * machine state: a raw node:https POST of a codepay-sized JSON body to a trivial HTTPS server on 127.0.0.1 with the
 * same certificate, answering at once, on a fresh connection each time like the adapter. `rsaSign` and `rsaVerify`
 * time the signing primitives alone (one Authorization header; one reply check). `global…`: the same for a store
 * not in CNY, paying in JPY through WeChat Pay's global API (/v3/global/micropay/transactions/pay, institutional
 * mode), with its own interleaved baseline.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sandboxPaymentCode } from '../src-main/acquirer/sandbox/test-codes';
import { startWechatV3Sandbox } from '../src-main/acquirer/wechat/sandbox-v3';
import { createWechatV3Port } from '../src-main/acquirer/wechat/v3';
import { createWechatV3GlobalPort } from '../src-main/acquirer/wechat/v3-global';
import { signV3Reply, v3Authorization, verifyV3Reply } from '../src-main/acquirer/wechat/v3-sign';
import { beyond, nsToMs as ms, p50p99, trivialHttps } from './https-baseline';

const WARM_UP = 30;
function keys(dir: string) {
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'apiclient_key.pem'), '-out', join(dir, 'apiclient_cert.pem'), '-days', '2', '-subj', '/CN=1230000109']);
  const certPem = readFileSync(join(dir, 'apiclient_cert.pem'), 'utf8');
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return {
    tls: { cert: readFileSync(join(dir, 'tls.pem'), 'utf8'), key: readFileSync(join(dir, 'tls.key'), 'utf8') },
    merchant: { certPem, keyPem: readFileSync(join(dir, 'apiclient_key.pem'), 'utf8'), serialNo: new X509Certificate(certPem).serialNumber.toUpperCase() },
    platform: { serial: 'PUB_KEY_ID_0112300001092026120500000000000001', ...platform },
  };
}

export async function wechatV3CodePay(count = 200) {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-wx3-'));
  try {
    const k = keys(dir);
    const sandbox = await startWechatV3Sandbox({
      dbPath: join(dir, 'ledger.sqlite'),
      tls: k.tls,
      merchant: { appId: 'wxd678efa567ab6787', mchId: '1230000109', subMchId: '1900000109', serialNo: k.merchant.serialNo, publicKeyPem: createPublicKey(k.merchant.keyPem).export({ type: 'spki', format: 'pem' }).toString() },
      platform: { serial: k.platform.serial, privateKeyPem: k.platform.privateKey },
    });
    const baseline = await trivialHttps(k.tls, { contentType: 'application/json', body: '{"trade_state":"SUCCESS"}' });
    const settings = {
      baseUrl: sandbox.url,
      appId: 'wxd678efa567ab6787',
      mchId: '1230000109',
      merchantSerialNo: k.merchant.serialNo,
      merchantCertPem: k.merchant.certPem,
      merchantKeyPem: k.merchant.keyPem,
      platformPublicKeyPem: k.platform.publicKey,
      platformSerial: k.platform.serial,
      caPem: k.tls.cert,
    };
    const options = { timeouts: { payMs: 10_000, queryMs: 10_000, otherMs: 10_000 }, log: pino({ level: 'silent' }) };
    const port = createWechatV3Port({ settings, ...options });
    const globalPort = createWechatV3GlobalPort({ settings: { ...settings, globalMode: 'institutional', subMchId: '1900000109', merchantCategoryCode: '5499' }, currency: 'JPY', ...options });
    const globalBody = JSON.stringify({ sp_appid: 'wxd678efa567ab6787', sp_mchid: '1230000109', sub_mchid: '1900000109', description: '结账 POS 演示', out_trade_no: '01JF000000000000000000000X', trade_type: 'MICROPAY', merchant_category_code: '5499', payer: { auth_code: '134567890123450000' }, amount: { total: 1234, currency: 'JPY' }, scene_info: { device_ip: '127.0.0.1', operator_id: 'cashier' } });
    const body = JSON.stringify({ appid: 'wxd678efa567ab6787', mchid: '1230000109', description: '结账 POS 演示', out_trade_no: '01JF000000000000000000000X', payer: { auth_code: '134567890123450000' }, amount: { total: 1234, currency: 'CNY' }, scene_info: { device_ip: '127.0.0.1', store_info: { out_id: 'cashier' } } });
    const pays: number[] = [];
    const raws: number[] = [];
    for (let i = 0; i < WARM_UP + count; i++) {
      const t0 = process.hrtime.bigint();
      const outcome = await port.pay({ clientSn: `BENCH${String(i).padStart(8, '0')}`, amount: 1234, authCode: sandboxPaymentCode('wechat', '0000'), subject: '结账 POS', operator: 'bench' });
      const t1 = process.hrtime.bigint();
      if (outcome.kind !== 'paid') throw new Error(`bench payment ${i} ended ${outcome.kind}`);
      await baseline.post(k.tls.cert, '/v3/pay/transactions/codepay', 'application/json', body);
      const t2 = process.hrtime.bigint();
      if (i >= WARM_UP) {
        pays.push(ms(t1 - t0));
        raws.push(ms(t2 - t1));
      }
    }
    const globalPays: number[] = [];
    const globalRaws: number[] = [];
    for (let i = 0; i < WARM_UP + count; i++) {
      const t0 = process.hrtime.bigint();
      const outcome = await globalPort.pay({ clientSn: `GLOBAL${String(i).padStart(8, '0')}`, amount: 1234, authCode: sandboxPaymentCode('wechat', '0000'), subject: '結帳 POS', operator: 'bench' });
      const t1 = process.hrtime.bigint();
      if (outcome.kind !== 'paid') throw new Error(`bench global payment ${i} ended ${outcome.kind}`);
      await baseline.post(k.tls.cert, '/v3/global/micropay/transactions/pay', 'application/json', globalBody);
      const t2 = process.hrtime.bigint();
      if (i >= WARM_UP) {
        globalPays.push(ms(t1 - t0));
        globalRaws.push(ms(t2 - t1));
      }
    }
    // The signing primitives alone.
    const privateKey = createPrivateKey(k.merchant.keyPem);
    const signs: number[] = [];
    const verifies: number[] = [];
    const reply = '{"mchid":"1230000109","out_trade_no":"X","trade_state":"SUCCESS","amount":{"total":1234,"currency":"CNY"}}';
    const headers = Object.fromEntries(Object.entries(signV3Reply(reply, { serial: k.platform.serial, privateKey: k.platform.privateKey })).map(([h, v]) => [h.toLowerCase(), v]));
    const platform = { serial: k.platform.serial, publicKey: createPublicKey(k.platform.publicKey) };
    for (let i = 0; i < WARM_UP + count; i++) {
      const t0 = process.hrtime.bigint();
      v3Authorization({ mchId: '1230000109', serialNo: k.merchant.serialNo, privateKey }, { method: 'POST', url: '/v3/pay/transactions/codepay', body });
      const t1 = process.hrtime.bigint();
      verifyV3Reply(headers, reply, platform, new Date());
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
    const globalPay = p50p99(globalPays);
    const globalRaw = p50p99(globalRaws);
    return {
      unit: 'ms',
      samples: count,
      codePayRoundTrip: pay,
      loopbackHttpsBaseline: raw,
      beyondBaseline: beyond(pay, raw),
      globalCodePayRoundTrip: globalPay,
      globalLoopbackHttpsBaseline: globalRaw,
      globalBeyondBaseline: beyond(globalPay, globalRaw),
      rsaSign: p50p99(signs),
      rsaVerify: p50p99(verifies),
      note: 'the round trip includes the sandbox verifying, writing its SQLite ledger and signing its reply (RSA 2048 both ways)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
