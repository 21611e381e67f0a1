/**
 * Payment providers (issue 18): who a wallet payment goes to. The aggregator (Shouqianba's terminal API) takes
 * every wallet; a merchant with its own WeChat Pay contract routes WeChat codes to WeChat Pay directly (API v2
 * `micropay`). The technician's routing table says which provider takes which wallet; a wallet with no route goes
 * to the aggregator. A payment keeps the provider that took it: its queries, reversal and refunds go there,
 * whatever the routing says later.
 */
import { z } from 'zod';
import { WALLETS, type Wallet } from './payment-code';

export const PROVIDERS = ['aggregator', 'wechat_v2', 'wechat_v3', 'alipay'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
export const DEFAULT_PROVIDER: ProviderId = 'aggregator';

/** What a provider can do: a wallet routed to a provider without `merchantQr` shows no merchant QR at the till. */
export const CAPABILITIES = ['codePay', 'merchantQr', 'refund', 'reverse', 'statement'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** The wallets each provider can take at all (WeChat Pay direct takes WeChat codes only). */
export const PROVIDER_WALLETS: Readonly<Record<ProviderId, readonly Wallet[]>> = {
  aggregator: WALLETS,
  wechat_v2: ['wechat'],
  wechat_v3: ['wechat'],
  alipay: ['alipay'],
};

export const PROVIDER_CAPABILITIES: Readonly<Record<ProviderId, readonly Capability[]>> = {
  aggregator: ['codePay', 'merchantQr', 'refund', 'reverse', 'statement'],
  // Native (merchant QR) payments are `unifiedorder` trade_type NATIVE: not built yet.
  wechat_v2: ['codePay', 'refund', 'reverse', 'statement'],
  // API v3 Native payments (/v3/pay/transactions/native) are not built either.
  wechat_v3: ['codePay', 'refund', 'reverse', 'statement'],
  // Alipay direct (OpenAPI gateway): merchant QR is alipay.trade.precreate, reverse is alipay.trade.cancel.
  alipay: ['codePay', 'merchantQr', 'refund', 'reverse', 'statement'],
};

export const paymentRoutesSchema = z
  .array(z.object({ wallet: z.enum(WALLETS), provider: z.enum(PROVIDERS) }))
  .max(WALLETS.length)
  .superRefine((routes, ctx) => {
    const seen = new Set<string>();
    routes.forEach((route, i) => {
      if (seen.has(route.wallet)) ctx.addIssue({ code: 'custom', path: [i, 'wallet'], message: `${route.wallet} is routed twice` });
      seen.add(route.wallet);
      if (!PROVIDER_WALLETS[route.provider].includes(route.wallet)) {
        ctx.addIssue({ code: 'custom', path: [i, 'provider'], message: `${route.provider} does not take ${route.wallet}` });
      }
    });
  });
export type PaymentRoute = z.infer<typeof paymentRoutesSchema>[number];

/** WeChat Pay API v2 merchant settings: what the technician types (the secrets are sealed at rest). */
export const wechatV2SettingsSchema = z.object({
  /** e.g. https://api.mch.weixin.qq.com, or the sandbox's address. */
  baseUrl: z.url({ protocol: /^https$/ }),
  appId: z.string().regex(/^wx[0-9a-f]{16}$/),
  mchId: z.string().regex(/^\d{6,12}$/),
  signType: z.enum(['MD5', 'HMAC-SHA256']),
  /** The 32-character API key set in the merchant platform. */
  apiKey: z.string().regex(/^[A-Za-z0-9]{32}$/),
  /** The merchant's API certificate and key (PEM), for reverse and refund (mutual TLS). */
  certPem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  keyPem: z.string().includes('PRIVATE KEY-----'),
  /** The CA that signs the provider's server certificate, when it is not a public one (the sandbox's). */
  caPem: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
});
export type WechatV2Settings = z.infer<typeof wechatV2SettingsSchema>;

/**
 * WeChat Pay API v3 merchant settings: what the technician types (the private key is sealed at rest). Requests are
 * signed with the merchant's private key (its API certificate's serial names it); replies are verified with the
 * platform public key (or platform certificate) and its id.
 */
export const wechatV3SettingsSchema = z.object({
  baseUrl: z.url({ protocol: /^https$/ }),
  appId: z.string().regex(/^wx[0-9a-f]{16}$/),
  mchId: z.string().regex(/^\d{6,12}$/),
  /** The merchant API certificate's serial number (hex), sent as serial_no. */
  merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/),
  /** The merchant API certificate (apiclient_cert.pem): its end date is watched, its key must be the private key's. */
  merchantCertPem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  merchantKeyPem: z.string().includes('PRIVATE KEY-----'),
  /** The WeChat Pay public key (PUBLIC KEY) or a platform certificate (CERTIFICATE) that signs replies. */
  platformPublicKeyPem: z.string().refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----') || pem.includes('-----BEGIN CERTIFICATE-----'), 'a PUBLIC KEY or CERTIFICATE PEM'),
  /** The public key's id (PUB_KEY_ID_…) or the platform certificate's serial: replies name it in Wechatpay-Serial. */
  platformSerial: z.string().regex(/^(PUB_KEY_ID_[0-9A-Za-z]{1,64}|[0-9A-Fa-f]{8,64})$/),
  /** The CA that signs the provider's server certificate, when it is not a public one (the sandbox's). */
  caPem: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
  /**
   * What WeChat Pay's GLOBAL API v3 (apihk.mch.weixin.qq.com, /v3/global/…) needs, used only in a store whose currency
   * is not CNY (the domestic code-payment API takes CNY only). `common`: a merchant of its own (appid, mchid are
   * appId, mchId); `institutional`: appId and mchId are the institution's (sp_appid, sp_mchid), paying for the
   * sub-merchant `subMchId` (and its `subAppId`, when it has one).
   */
  globalMode: z.enum(['common', 'institutional']).optional(),
  subMchId: z.string().regex(/^\d{6,12}$/).optional(),
  subAppId: z.string().regex(/^wx[0-9a-f]{16}$/).optional(),
  /** merchant_category_code: the MCC WeChat Pay Global gave the merchant (required by the global code payment). */
  merchantCategoryCode: z.string().regex(/^\d{4}$/).optional(),
});
export type WechatV3Settings = z.infer<typeof wechatV3SettingsSchema>;

/** Whether a store priced in `currency` pays through WeChat Pay's global API v3 rather than the domestic one. */
export function usesWechatGlobalApi(currency: string): boolean {
  return currency !== 'CNY';
}

/**
 * The store currencies in which common mode (a merchant of its own at WeChat Pay Global, appid + mchid) is possible:
 * WeChat Pay opens direct merchants in Hong Kong and the United Kingdom only; everywhere else a merchant is an
 * institution's sub-merchant (pay.weixin.qq.com/doc/global/v3/zh/4012354049 §1, as GitHub
 * wechatpay-apiv3/wechatpay-global-skills 跨境支付通用知识.md §3 quotes it). A store's currency stands for where it is.
 */
export const WECHAT_GLOBAL_COMMON_MODE_CURRENCIES: readonly string[] = ['HKD', 'GBP'];

/** Common mode in a store whose currency says it is outside Hong Kong and the UK: WeChat has no such merchant. */
export function wechatGlobalModeProblem(mode: WechatV3Settings['globalMode'], currency: string): 'common_mode_not_here' | null {
  return (mode ?? 'common') === 'common' && !WECHAT_GLOBAL_COMMON_MODE_CURRENCIES.includes(currency) ? 'common_mode_not_here' : null;
}

/**
 * What keeps v3 settings from paying through the global API (a store not in CNY), or null: the MCC the global code
 * payment requires, and in institutional mode the sub-merchant it pays for. A CNY store needs none of them.
 */
export function wechatV3GlobalProblem(settings: Pick<WechatV3Settings, 'globalMode' | 'subMchId' | 'subAppId' | 'merchantCategoryCode'>): 'mcc_missing' | 'sub_merchant_missing' | 'sub_fields_in_common_mode' | null {
  if (!settings.merchantCategoryCode) return 'mcc_missing';
  const mode = settings.globalMode ?? 'common';
  if (mode === 'institutional' && !settings.subMchId) return 'sub_merchant_missing';
  if (mode === 'common' && (settings.subMchId || settings.subAppId)) return 'sub_fields_in_common_mode';
  return null;
}

/** Alipay direct (OpenAPI gateway, public-key mode, RSA2) settings: what the technician types (the app's private key is sealed at rest). */
export const alipaySettingsSchema = z.object({
  /** e.g. https://openapi.alipay.com/gateway.do, or the sandbox's address. */
  gatewayUrl: z.url({ protocol: /^https$/ }),
  /** The app's APPID at Alipay's open platform: 16 digits. */
  appId: z.string().regex(/^\d{16}$/),
  /** The app's RSA private key (PEM, PKCS#1 or PKCS#8): requests are signed with it. */
  privateKeyPem: z.string().includes('PRIVATE KEY-----'),
  /** Alipay's public key for this app (PEM): every reply's signature is verified with it. */
  alipayPublicKeyPem: z.string().includes('PUBLIC KEY-----'),
  /** The CA that signs the gateway's server certificate, when it is not a public one (the sandbox's). */
  caPem: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
});
export type AlipaySettings = z.infer<typeof alipaySettingsSchema>;
