/**
 * The direct providers as this terminal's stored settings make them: built when first asked for and again after
 * the technician changes the settings. Each waits, like the aggregator, until what was committed before a call
 * that moves money is on disk (durable-port.ts).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { PROVIDER_CAPABILITIES, usesWechatGlobalApi, type AlipaySettings, type ProviderId, type WechatV2Settings, type WechatV3Settings } from '../../src-common/payment-provider';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { normalisedKeys } from './alipay/keys';
import type { AlipayOptions } from './alipay/provider';
import { awaitingDurability } from './durable-port';
import type { PaymentProvider, ProviderPort } from './gateway';
import type { WechatV2Options } from './wechat/v2';
import type { WechatV3Options } from './wechat/v3';

export interface DirectProviderDeps {
  /** The stored WeChat Pay v2 settings and when they were saved, or null. */
  wechatV2: () => { settings: WechatV2Settings; updatedAt: string } | null;
  /** The stored WeChat Pay v3 settings and when they were saved, or null. */
  wechatV3?: () => { settings: WechatV3Settings; updatedAt: string } | null;
  /** The stored Alipay direct settings and when they were saved, or null. */
  alipay?: () => { settings: AlipaySettings; updatedAt: string } | null;
  timeouts: { payMs: number; queryMs: number; otherMs: number };
  currency: () => string;
  log: Logger;
  clock: Clock;
  durable: () => Promise<void>;
}

/**
 * A provider whose code is loaded when it first connects: a till that does not use it never loads it. Alipay
 * direct's SDK brings urllib, undici, qs and jszip (~0.3 s of CPU at every start: a CPU profile of a cold start, the
 * largest modules loaded); WeChat Pay's adapters their XML parser and wire schemas (fast-xml-parser, imported as
 * ES modules, ~50 ms). Their settings' keys are checked at once, as before.
 */
function loadedWhenConnected(id: Exclude<ProviderId, 'aggregator'>, capabilities: PaymentProvider['capabilities'], load: () => Promise<PaymentProvider>): PaymentProvider {
  let port: Promise<ProviderPort> | null = null;
  const connect = () =>
    load()
      .then((provider) => provider.connect())
      .catch((error: unknown) => {
        port = null;
        throw error;
      });
  return { id, capabilities, connect: () => (port ??= connect()) };
}

function alipayProvider(options: AlipayOptions): PaymentProvider {
  normalisedKeys(options.settings);
  return loadedWhenConnected('alipay', new Set(PROVIDER_CAPABILITIES.alipay), async () => {
    const port = (await import('./alipay/provider')).createAlipayPort(options);
    return { id: 'alipay', capabilities: new Set(PROVIDER_CAPABILITIES.alipay), connect: async () => port };
  });
}

function wechatV2Provider(options: WechatV2Options): PaymentProvider {
  // Checked here, as when the adapter was built at once: a bad address fails now, not at the first payment.
  new URL(options.settings.baseUrl);
  return loadedWhenConnected('wechat_v2', new Set(PROVIDER_CAPABILITIES.wechat_v2), async () => (await import('./wechat/v2')).wechatV2Provider(options));
}

/** The domestic code payment takes CNY only: a store in another currency pays through WeChat Pay's global API. */
function wechatV3Provider(options: WechatV3Options & { currency: string }): PaymentProvider {
  // Checked here, as when the adapter was built at once (it makes these keys first): bad ones fail now.
  createPrivateKey(options.settings.merchantKeyPem);
  createPublicKey(options.settings.platformPublicKeyPem);
  new URL(options.settings.baseUrl);
  const global = usesWechatGlobalApi(options.currency);
  const capabilities = new Set(global ? PROVIDER_CAPABILITIES.wechat_v3.filter((c) => c !== 'statement') : PROVIDER_CAPABILITIES.wechat_v3);
  return loadedWhenConnected('wechat_v3', capabilities, async () =>
    global ? (await import('./wechat/v3-global')).wechatV3GlobalProvider(options) : (await import('./wechat/v3')).wechatV3Provider(options),
  );
}

export function directProviders(deps: DirectProviderDeps): (id: Exclude<ProviderId, 'aggregator'>) => PaymentProvider | null {
  let built: { key: string; provider: PaymentProvider } | null = null;
  let builtAlipay: { key: string; provider: PaymentProvider } | null = null;
  const alipay = (): PaymentProvider | null => {
    const stored = deps.alipay?.();
    if (!stored) return null;
    const key = `${stored.updatedAt}|${deps.currency()}`;
    if (builtAlipay?.key !== key) {
      const provider = alipayProvider({ settings: stored.settings, currency: deps.currency(), timeouts: deps.timeouts, log: deps.log.child({ module: 'alipay' }), clock: deps.clock });
      builtAlipay = { key, provider: { ...provider, connect: async () => awaitingDurability(await provider.connect(), deps.durable) } };
    }
    return builtAlipay.provider;
  };
  let builtV3: { key: string; provider: PaymentProvider } | null = null;
  return (id) => {
    if (id === 'alipay') return alipay();
    if (id === 'wechat_v3') {
      const stored = deps.wechatV3?.() ?? null;
      if (!stored) return null;
      const key = `${stored.updatedAt}|${deps.currency()}`;
      if (builtV3?.key !== key) {
        const provider = wechatV3Provider({ settings: stored.settings, currency: deps.currency(), timeouts: deps.timeouts, log: deps.log, clock: deps.clock });
        builtV3 = { key, provider: { ...provider, connect: async () => awaitingDurability(await provider.connect(), deps.durable) } };
      }
      return builtV3.provider;
    }
    if (id !== 'wechat_v2') return null;
    const stored = deps.wechatV2();
    if (!stored) return null;
    const key = `${stored.updatedAt}|${deps.currency()}`;
    if (built?.key !== key) {
      const provider = wechatV2Provider({ settings: stored.settings, currency: deps.currency(), timeouts: deps.timeouts, log: deps.log, clock: deps.clock });
      built = { key, provider: { ...provider, connect: async () => awaitingDurability(await provider.connect(), deps.durable) } };
    }
    return built.provider;
  };
}
