/**
 * The direct providers as this terminal's stored settings make them: built when first asked for and again after
 * the technician changes the settings. Each waits, like the aggregator, until what was committed before a call
 * that moves money is on disk (durable-port.ts).
 */
import { PROVIDER_CAPABILITIES, usesWechatGlobalApi, type AlipaySettings, type ProviderId, type WechatV2Settings, type WechatV3Settings } from '../../src-common/payment-provider';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { normalisedKeys } from './alipay/keys';
import type { AlipayOptions } from './alipay/provider';
import { awaitingDurability } from './durable-port';
import type { PaymentProvider, ProviderPort } from './gateway';
import { wechatV2Provider } from './wechat/v2';
import { wechatV3Provider } from './wechat/v3';
import { wechatV3GlobalProvider } from './wechat/v3-global';

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
 * Alipay direct, its SDK loaded when the provider first connects: alipay-sdk brings urllib, undici, qs and jszip,
 * ~0.3 s of CPU that every start of a till without Alipay direct paid (a CPU profile of a cold start: the largest
 * modules loaded). Its keys are checked at once, as before.
 */
function alipayProvider(options: AlipayOptions): PaymentProvider {
  normalisedKeys(options.settings);
  let port: Promise<ProviderPort> | null = null;
  const load = () =>
    import('./alipay/provider')
      .then((module) => module.createAlipayPort(options))
      .catch((error: unknown) => {
        port = null;
        throw error;
      });
  return { id: 'alipay', capabilities: new Set(PROVIDER_CAPABILITIES.alipay), connect: () => (port ??= load()) };
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
        // The domestic code payment takes CNY only: a store in another currency pays through WeChat Pay's global API.
        const make = usesWechatGlobalApi(deps.currency()) ? wechatV3GlobalProvider : wechatV3Provider;
        const provider = make({ settings: stored.settings, currency: deps.currency(), timeouts: deps.timeouts, log: deps.log, clock: deps.clock });
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
