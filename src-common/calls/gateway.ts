/** Payment providers and the wallet routing table (issue 18): set by the technician, read by the till. */
import { z } from 'zod';
import { alipaySettingsSchema, CAPABILITIES, PROVIDERS, paymentRoutesSchema, wechatV2SettingsSchema, wechatV3SettingsSchema } from '../payment-provider';
import { WalletKind } from '../schemas';
import { call, NoInput, Staff, Technicians, type CallSpec } from './spec';

/** Why a provider cannot take payments now, named on the technician's screen before the first sale. */
export const ProviderProblem = z.enum(['not_configured', 'certificate_missing', 'certificate_expired', 'certificate_expiring', 'built_in_sandbox_off', 'global_settings_incomplete', 'global_common_mode_unavailable']);

/** The direct providers that have a built-in sandbox (sandbox mode). */
export const BUILT_IN_SANDBOX_PROVIDERS = ['wechat_v2', 'wechat_v3', 'alipay'] as const;

export const ProviderStatus = z.object({
  provider: z.enum(PROVIDERS),
  configured: z.boolean(),
  /** Its settings are the built-in sandbox's (made by the terminal, pointing at the sandbox it runs). */
  builtInSandbox: z.boolean(),
  capabilities: z.array(z.enum(CAPABILITIES)),
  wallets: z.array(WalletKind),
  /** What is not secret of its settings (address, app and merchant ids, sign type). */
  settings: z.record(z.string(), z.string()),
  certificateNotAfter: z.string().nullable(),
  problems: z.array(ProviderProblem),
  updatedAt: z.string().nullable(),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

export const GatewayStatus = z.object({
  /** One row per wallet: the provider that takes it now. */
  routes: z.array(z.object({ wallet: WalletKind, provider: z.enum(PROVIDERS) })),
  providers: z.array(ProviderStatus),
  /** Whether the built-in sandboxes may be chosen (sandbox mode); never in live mode. */
  builtInSandboxes: z.boolean(),
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

export const gatewayCalls = {
  'gateway.status': call({ input: () => NoInput, output: () => GatewayStatus, access: Technicians, summary: 'Payment providers, their certificates and which wallet goes to which' }),
  'gateway.setRoutes': call({
    input: () => z.object({ routes: paymentRoutesSchema }).strict(),
    output: () => GatewayStatus,
    access: Technicians,
    summary: 'Route each wallet to a payment provider (a wallet left out goes to the aggregator)',
  }),
  'gateway.setWechatV2': call({
    input: () => wechatV2SettingsSchema.strict(),
    output: () => GatewayStatus,
    access: Technicians,
    summary: 'Set this terminal’s WeChat Pay (API v2) merchant settings; the key and certificate are sealed at rest',
  }),
  'gateway.setWechatV3': call({
    input: () => wechatV3SettingsSchema.strict(),
    output: () => GatewayStatus,
    access: Technicians,
    summary: 'Set this terminal’s WeChat Pay (API v3) merchant settings; the private key is sealed at rest',
  }),
  'gateway.setAlipay': call({
    input: () => alipaySettingsSchema.strict(),
    output: () => GatewayStatus,
    access: Technicians,
    summary: 'Set this terminal’s Alipay direct (OpenAPI gateway, RSA2) app settings; the app private key is sealed at rest',
  }),
  'gateway.useBuiltInSandbox': call({
    input: () => z.object({ provider: z.enum(BUILT_IN_SANDBOX_PROVIDERS) }).strict(),
    output: () => GatewayStatus,
    access: Technicians,
    summary: 'Sandbox mode only: run the provider’s built-in sandbox in the terminal and set this terminal up at it (keys made, sealed at rest)',
  }),
  'gateway.tillOptions': call({
    input: () => NoInput,
    output: () => z.object({ merchantQr: z.array(WalletKind) }),
    access: [...Staff, 'kiosk'],
    summary: 'The wallets the till or kiosk may show a merchant QR for (their provider offers one)',
  }),
} as const satisfies Record<string, CallSpec>;
