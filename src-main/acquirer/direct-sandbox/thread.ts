/**
 * A direct provider's built-in sandbox thread (built as out/main/direct-sandbox-worker.js): the WeChat Pay v2, v3 or
 * Alipay sandbox the technician chose, over HTTPS on 127.0.0.1 with its own ledger file, beside the core rather than
 * on its loop. The first time, it makes the sandbox's identity (keys, certificates: identity.ts) and sends it to the
 * core, which keeps it sealed and gives it back at every start. Log lines go to the core's log.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { loggerOptions } from '../../log';
import { lowerThisThreadPriority } from '../../thread-priority';
import { startAlipaySandbox } from '../alipay/sandbox';
import { startWechatV2Sandbox } from '../wechat/sandbox-v2';
import { startWechatV3Sandbox } from '../wechat/sandbox-v3';
import { makeSandboxIdentity } from './identity';
import type { DirectSandboxData, DirectSandboxIdentity, FromDirectSandboxThread, ToDirectSandboxThread } from './protocol';

if (!parentPort) throw new Error('the direct sandbox thread runs as a worker thread only');
// Started by the core, it has the core's raised priority; it is the other side of the network, not the core.
lowerThisThreadPriority(0);
const port = parentPort;
const data = workerData as DirectSandboxData;
const send = (message: FromDirectSandboxThread) => port.postMessage(message);
const log = pino(loggerOptions(data.logLevel), { write: (line: string) => send({ type: 'log', line }) });

async function start(identity: DirectSandboxIdentity): Promise<{ url: string; close(): Promise<void> }> {
  const common = { dbPath: data.dbPath, port: data.port, scale: data.scale, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) };
  const tls = { cert: identity.tls.certPem, key: identity.tls.keyPem };
  switch (identity.provider) {
    case 'wechat_v2':
      return startWechatV2Sandbox({ ...common, tls: { ...tls, clientCa: identity.clientCaPem }, merchant: { appId: identity.till.appId, mchId: identity.till.mchId, apiKey: identity.till.apiKey } });
    case 'wechat_v3':
      return startWechatV3Sandbox({
        ...common,
        tls,
        merchant: {
          appId: identity.till.appId,
          mchId: identity.till.mchId,
          serialNo: identity.till.merchantSerialNo,
          publicKeyPem: identity.merchantPublicKeyPem,
          ...(identity.till.subMchId ? { subMchId: identity.till.subMchId } : {}),
        },
        platform: { serial: identity.till.platformSerial, privateKeyPem: identity.platformPrivateKeyPem },
      });
    case 'alipay': {
      const sandbox = await startAlipaySandbox({ ...common, tls, app: { appId: identity.till.appId, publicKeyPem: identity.appPublicKeyPem }, alipayPrivateKeyPem: identity.alipayPrivateKeyPem });
      return { url: sandbox.gatewayUrl, close: () => sandbox.close() };
    }
  }
}

// A start that fails rejects unhandled: the thread ends with it, and the core's supervisor reports it.
void (async () => {
  let identity = data.identity;
  if (!identity) {
    identity = await makeSandboxIdentity(data.provider);
    send({ type: 'identity', identity });
    log.info({ provider: data.provider }, 'built-in sandbox identity made (keys and certificates)');
  }
  if (identity.provider !== data.provider) throw new Error(`the identity given is ${identity.provider}'s, not ${data.provider}'s`);
  const sandbox = await start(identity);
  send({ type: 'ready', url: sandbox.url });

  port.on('message', (message: ToDirectSandboxThread) => {
    if (message.type !== 'close') return;
    sandbox.close().then(
      () => send({ type: 'closed' }),
      (error: unknown) => send({ type: 'log', line: JSON.stringify({ level: 50, msg: `direct sandbox close failed: ${(error as Error).message}` }) }),
    );
  });
})();
