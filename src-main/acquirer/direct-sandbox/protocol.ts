/**
 * Messages between the core and a direct provider's built-in sandbox thread (thread.ts, embedded.ts), and the
 * identity a sandbox is made with: its own keys (the provider's side) and the merchant's settings (the till's side),
 * generated once when the technician first chooses it, kept sealed in the data directory and reused at every start.
 */
import type { AlipaySettings, WechatV2Settings, WechatV3Settings } from '../../../src-common/payment-provider';

export const DIRECT_SANDBOX_PROVIDERS = ['wechat_v2', 'wechat_v3', 'alipay'] as const;
export type DirectSandboxProvider = (typeof DIRECT_SANDBOX_PROVIDERS)[number];

/** The HTTPS server's certificate for 127.0.0.1 and the CA made for it (the till trusts that CA only: caPem). */
export interface SandboxTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** The till's settings without the address: the sandbox gets a new port at each start. */
export type TillSettingsOf<P extends DirectSandboxProvider> = P extends 'wechat_v2'
  ? Omit<WechatV2Settings, 'baseUrl'>
  : P extends 'wechat_v3'
    ? Omit<WechatV3Settings, 'baseUrl'>
    : Omit<AlipaySettings, 'gatewayUrl'>;

export type DirectSandboxIdentity =
  | {
      readonly provider: 'wechat_v2';
      readonly tls: SandboxTls;
      /** The CA that issued the merchant's API certificate (mutual TLS on /secapi). */
      readonly clientCaPem: string;
      readonly till: TillSettingsOf<'wechat_v2'>;
    }
  | {
      readonly provider: 'wechat_v3';
      readonly tls: SandboxTls;
      /** The merchant API certificate's public key, as WeChat registers it. */
      readonly merchantPublicKeyPem: string;
      /** The key the sandbox signs replies with (the till has its public key). */
      readonly platformPrivateKeyPem: string;
      readonly till: TillSettingsOf<'wechat_v3'>;
    }
  | {
      readonly provider: 'alipay';
      readonly tls: SandboxTls;
      /** The app's public key, as the open platform registers it. */
      readonly appPublicKeyPem: string;
      /** "Alipay's" key: the sandbox signs replies with it (the till has its public key). */
      readonly alipayPrivateKeyPem: string;
      readonly till: TillSettingsOf<'alipay'>;
    };

export interface DirectSandboxData {
  readonly provider: DirectSandboxProvider;
  readonly dbPath: string;
  /** The port chosen by the core (a restarted thread gets its predecessor's, so the till's address holds). */
  readonly port: number;
  readonly scale: number;
  readonly logLevel: string;
  /** better-sqlite3's addon for a non-Node ABI (Electron): the sandbox opens its ledger with it. */
  readonly nativeBinding?: string;
  /** Null the first time: the thread makes one (keys, certificates) and sends it before it is ready. */
  readonly identity: DirectSandboxIdentity | null;
}

export type FromDirectSandboxThread =
  | { type: 'identity'; identity: DirectSandboxIdentity }
  | { type: 'ready'; url: string }
  /** One pino JSON line, written to the core's log. */
  | { type: 'log'; line: string }
  | { type: 'closed' };

export type ToDirectSandboxThread = { type: 'close' };

/** The address the till is given for a sandbox listening on `port` (Alipay's is its gateway path). */
export function sandboxAddress(provider: DirectSandboxProvider, port: number): string {
  return provider === 'alipay' ? `https://127.0.0.1:${port}/gateway.do` : `https://127.0.0.1:${port}`;
}
