/**
 * The technician's side of the payment gateway (issue 18): this terminal's settings at each direct provider
 * (secrets sealed at rest with the keyring, as the aggregator's terminal key), the wallet routing table, and
 * what stands in the way of a provider taking payments (a missing or expired certificate), named before the
 * first sale. Every change is audited, without its secrets.
 */
import type { Database } from 'better-sqlite3';
import { readPaymentProvider, readPaymentRoutes, replacePaymentRoutes, writePaymentProvider } from '../../db/queries/payment-routes';
import type { GatewayStatus, ProviderStatus } from '../../src-common/calls/gateway';
import { PosError } from '../../src-common/errors';
import { WALLETS } from '../../src-common/payment-code';
import {
  DEFAULT_PROVIDER,
  PROVIDER_CAPABILITIES,
  PROVIDER_WALLETS,
  PROVIDERS,
  wechatV2SettingsSchema,
  alipaySettingsSchema,
  type AlipaySettings,
  usesWechatGlobalApi,
  wechatGlobalModeProblem,
  wechatV3GlobalProblem,
  wechatV3SettingsSchema,
  type PaymentRoute,
  type ProviderId,
  type WechatV2Settings,
  type WechatV3Settings,
} from '../../src-common/payment-provider';
import { anonymousCaller, type Session } from '../../src-common/roles';
import type { DirectSandboxes } from '../acquirer/direct-sandbox/embedded';
import type { DirectSandboxProvider } from '../acquirer/direct-sandbox/protocol';
import { normalisedKeys } from '../acquirer/alipay/keys';
import { certificateNotAfter, certificateSerial } from '../acquirer/wechat/certificate';
import { v3KeyProblem } from '../acquirer/wechat/v3-sign';
import type { Clock } from '../clock';
import type { Keyring } from '../keyring';
import type { AuditService } from './audit';

/** A certificate this close to its end is named as expiring on the technician's screen. */
const EXPIRING_WITHIN_MS = 30 * 24 * 3600_000;

export interface PaymentRoutesService {
  status(): GatewayStatus;
  setRoutes(routes: PaymentRoute[], session: Session): GatewayStatus;
  setWechatV2(settings: WechatV2Settings, session: Session): GatewayStatus;
  /** The stored WeChat Pay v2 settings, unsealed, with when they were saved; null when there are none. */
  wechatV2(): { settings: WechatV2Settings; updatedAt: string } | null;
  setAlipay(settings: AlipaySettings, session: Session): GatewayStatus;
  /** The stored Alipay direct settings, unsealed, with when they were saved; null when there are none. */
  alipay(): { settings: AlipaySettings; updatedAt: string } | null;
  setWechatV3(settings: WechatV3Settings, session: Session): GatewayStatus;
  /** The stored WeChat Pay v3 settings, unsealed, with when they were saved; null when there are none. */
  wechatV3(): { settings: WechatV3Settings; updatedAt: string } | null;
  /**
   * Sandbox mode only: starts the provider's built-in sandbox (its keys and certificates made the first time) and
   * stores this terminal's settings at it, sealed and marked as the built-in sandbox's; refused in live mode.
   */
  useBuiltInSandbox(provider: DirectSandboxProvider, session: Session): Promise<GatewayStatus>;
  /**
   * At start (config `acquirer.directSandboxes`): each listed provider with no settings yet is set up at its built-in
   * sandbox by the terminal itself, and its wallet routed to it while that wallet goes to the aggregator.
   */
  setUpBuiltInSandboxes(providers: readonly DirectSandboxProvider[]): Promise<void>;
}

/** The direct providers' built-in sandboxes as the routes service sees them. */
export interface BuiltInSandboxes {
  /** False in live mode: the option does not exist, and choosing it is refused. */
  readonly available: boolean;
  readonly sandboxes: Pick<DirectSandboxes, 'start' | 'url'>;
}

/**
 * The key in a provider's stored open settings that marks them as the built-in sandbox's. Its address is not the
 * stored one but the running sandbox's (a new port at each start), and without one running they are not used.
 */
const BUILT_IN_SANDBOX = 'builtInSandbox';

/** The MCC of a built-in WeChat v3 sandbox identity made without one (ISO 18245 5499: convenience stores), as new ones have. */
const BUILT_IN_SANDBOX_MCC = '5499';

/**
 * `currency`: the store's (CNY when not given). WeChat Pay v3 in a store not in CNY pays through the global API, whose
 * settings (the MCC; the sub-merchant in institutional mode) are then named as a problem until they are there.
 */
export function createPaymentRoutesService(deps: { db: Database; clock: Clock; keyring: Keyring; audit: AuditService; currency?: () => string; builtIn?: BuiltInSandboxes }): PaymentRoutesService {
  const { db, clock, keyring, audit } = deps;

  /**
   * A provider's stored settings, unsealed; a built-in sandbox's with the running sandbox's address (`addressKey`),
   * or null while it does not run (live mode, or a sandbox that could not start).
   */
  function stored(provider: DirectSandboxProvider, addressKey: 'baseUrl' | 'gatewayUrl'): { fields: Record<string, unknown>; updatedAt: string } | null {
    const row = readPaymentProvider(db, provider);
    if (!row) return null;
    const { [BUILT_IN_SANDBOX]: builtIn, ...open } = JSON.parse(row.settings) as Record<string, unknown>;
    const secrets = JSON.parse(keyring.unseal(row.sealed_secrets)) as Record<string, unknown>;
    if (builtIn !== true) return { fields: { ...open, ...secrets }, updatedAt: row.updated_at };
    const address = deps.builtIn?.available ? deps.builtIn.sandboxes.url(provider) : null;
    return address ? { fields: { ...open, ...secrets, [addressKey]: address }, updatedAt: row.updated_at } : null;
  }

  const wechatV2 = (): { settings: WechatV2Settings; updatedAt: string } | null => {
    const found = stored('wechat_v2', 'baseUrl');
    return found && { settings: wechatV2SettingsSchema.parse(found.fields), updatedAt: found.updatedAt };
  };

  const alipay = (): { settings: AlipaySettings; updatedAt: string } | null => {
    const found = stored('alipay', 'gatewayUrl');
    return found && { settings: alipaySettingsSchema.parse(found.fields), updatedAt: found.updatedAt };
  };

  const wechatV3 = (): { settings: WechatV3Settings; updatedAt: string } | null => {
    const found = stored('wechat_v3', 'baseUrl');
    return found && { settings: wechatV3SettingsSchema.parse(found.fields), updatedAt: found.updatedAt };
  };

  const globalWechat = () => usesWechatGlobalApi(deps.currency?.() ?? 'CNY');

  function providerStatus(provider: ProviderId): ProviderStatus {
    // The global API's statement is not read (./../acquirer/wechat/v3-global.ts): not offered in a store not in CNY.
    const capabilities = PROVIDER_CAPABILITIES[provider].filter((c) => !(provider === 'wechat_v3' && c === 'statement' && globalWechat()));
    const base = { provider, capabilities, wallets: [...PROVIDER_WALLETS[provider]] };
    if (provider === 'aggregator') return { ...base, configured: true, builtInSandbox: false, settings: {}, certificateNotAfter: null, problems: [], updatedAt: null };
    const row = readPaymentProvider(db, provider);
    if (!row) return { ...base, configured: false, builtInSandbox: false, settings: {}, certificateNotAfter: null, problems: ['not_configured'], updatedAt: null };
    const { [BUILT_IN_SANDBOX]: mark, ...open } = JSON.parse(row.settings) as Record<string, unknown>;
    const builtIn = mark === true;
    const settings: Record<string, string> = Object.fromEntries(Object.entries(open).map(([key, value]) => [key, String(value)]));
    const end = row.cert_not_after ? Date.parse(row.cert_not_after) : null;
    const now = clock.now().getTime();
    const problems: ProviderStatus['problems'] =
      end === null ? (provider === 'alipay' ? [] : ['certificate_missing']) : end <= now ? ['certificate_expired'] : end - now <= EXPIRING_WITHIN_MS ? ['certificate_expiring'] : [];
    if (provider === 'wechat_v3' && globalWechat()) {
      if (wechatGlobalModeProblem(open.globalMode as WechatV3Settings['globalMode'], deps.currency!())) problems.unshift('global_common_mode_unavailable');
      if (wechatV3GlobalProblem(open)) problems.unshift('global_settings_incomplete');
    }
    if (builtIn) {
      const address = deps.builtIn?.available ? deps.builtIn.sandboxes.url(provider) : null;
      if (address) settings[provider === 'alipay' ? 'gatewayUrl' : 'baseUrl'] = address;
      else problems.unshift('built_in_sandbox_off');
    }
    return { ...base, configured: true, builtInSandbox: builtIn, settings, certificateNotAfter: row.cert_not_after, problems, updatedAt: row.updated_at };
  }

  function status(): GatewayStatus {
    const routed = new Map(readPaymentRoutes(db).map((r) => [r.wallet, r.provider]));
    return {
      routes: WALLETS.map((wallet) => {
        const provider = routed.get(wallet);
        return { wallet, provider: provider && (PROVIDERS as readonly string[]).includes(provider) ? (provider as ProviderId) : DEFAULT_PROVIDER };
      }),
      providers: PROVIDERS.map(providerStatus),
      builtInSandboxes: deps.builtIn?.available ?? false,
    };
  }

  function storeWechatV2(input: WechatV2Settings, session: Session, builtIn: boolean): GatewayStatus {
    const settings = wechatV2SettingsSchema.parse(input);
    const notAfter = certificateNotAfter(settings.certPem);
    if (!notAfter) throw new PosError('validation_failed', 'The merchant certificate cannot be read', { reason: 'certificate_unreadable' });
    const { apiKey, keyPem, certPem, caPem, ...open } = settings;
    const at = clock.now().toISOString();
    db.transaction(() => {
      writePaymentProvider(
        db,
        { provider: 'wechat_v2', settings: JSON.stringify(builtIn ? { ...open, [BUILT_IN_SANDBOX]: true } : open), sealed_secrets: keyring.seal(JSON.stringify({ apiKey, keyPem, certPem, ...(caPem ? { caPem } : {}) })), cert_not_after: notAfter },
        session.caller.userId,
        at,
      );
      audit.record({ actor: session.caller, action: builtIn ? 'gateway.useBuiltInSandbox' : 'gateway.setProvider', subject: 'wechat_v2', details: { ...open, certificateNotAfter: notAfter } });
    })();
    return status();
  }

  function storeWechatV3(input: WechatV3Settings, session: Session, builtIn: boolean): GatewayStatus {
    const settings = wechatV3SettingsSchema.parse(input);
    // The MCC may wait (a CNY store does not need it; a store abroad is told on this screen); a mode without its ids may not.
    const globalProblem = wechatV3GlobalProblem({ ...settings, merchantCategoryCode: settings.merchantCategoryCode ?? '0000' });
    if (globalProblem) throw new PosError('validation_failed', `The WeChat Pay global settings do not fit together: ${globalProblem}`, { reason: globalProblem });
    const merchantEnd = certificateNotAfter(settings.merchantCertPem);
    if (!merchantEnd) throw new PosError('validation_failed', 'The merchant API certificate cannot be read', { reason: 'certificate_unreadable' });
    if (certificateSerial(settings.merchantCertPem)?.toUpperCase() !== settings.merchantSerialNo.toUpperCase()) {
      throw new PosError('validation_failed', 'The serial number is not the merchant certificate’s', { reason: 'serial_mismatch' });
    }
    const keyProblem = v3KeyProblem({ merchantKeyPem: settings.merchantKeyPem, merchantCertPem: settings.merchantCertPem, platformPublicKeyPem: settings.platformPublicKeyPem });
    if (keyProblem) throw new PosError('validation_failed', `The keys cannot be used: ${keyProblem}`, { reason: 'key_unusable' });
    // A platform certificate (rather than the platform public key) ends too: the sooner end is the one to watch.
    const platformEnd = settings.platformPublicKeyPem.includes('-----BEGIN CERTIFICATE-----') ? certificateNotAfter(settings.platformPublicKeyPem) : null;
    const notAfter = platformEnd && platformEnd < merchantEnd ? platformEnd : merchantEnd;
    const { merchantKeyPem, merchantCertPem, platformPublicKeyPem, caPem, ...open } = settings;
    const at = clock.now().toISOString();
    db.transaction(() => {
      writePaymentProvider(
        db,
        {
          provider: 'wechat_v3',
          settings: JSON.stringify(builtIn ? { ...open, [BUILT_IN_SANDBOX]: true } : open),
          sealed_secrets: keyring.seal(JSON.stringify({ merchantKeyPem, merchantCertPem, platformPublicKeyPem, ...(caPem ? { caPem } : {}) })),
          cert_not_after: notAfter,
        },
        session.caller.userId,
        at,
      );
      audit.record({ actor: session.caller, action: builtIn ? 'gateway.useBuiltInSandbox' : 'gateway.setProvider', subject: 'wechat_v3', details: { ...open, certificateNotAfter: notAfter } });
    })();
    return status();
  }

  function storeAlipay(input: AlipaySettings, session: Session, builtIn: boolean): GatewayStatus {
    const settings = alipaySettingsSchema.parse(input);
    try {
      normalisedKeys(settings);
    } catch {
      throw new PosError('validation_failed', 'The app private key or the Alipay public key cannot be read as an RSA key', { reason: 'key_unreadable' });
    }
    // Public-key mode has no certificate of its own; the sandbox's CA, when given, is the one whose end is named.
    const notAfter = settings.caPem ? certificateNotAfter(settings.caPem) : null;
    if (settings.caPem && !notAfter) throw new PosError('validation_failed', 'The CA certificate cannot be read', { reason: 'certificate_unreadable' });
    const { privateKeyPem, caPem, ...open } = settings;
    const at = clock.now().toISOString();
    db.transaction(() => {
      writePaymentProvider(
        db,
        { provider: 'alipay', settings: JSON.stringify(builtIn ? { ...open, [BUILT_IN_SANDBOX]: true } : open), sealed_secrets: keyring.seal(JSON.stringify({ privateKeyPem, ...(caPem ? { caPem } : {}) })), cert_not_after: notAfter },
        session.caller.userId,
        at,
      );
      audit.record({ actor: session.caller, action: builtIn ? 'gateway.useBuiltInSandbox' : 'gateway.setProvider', subject: 'alipay', details: { gatewayUrl: open.gatewayUrl, appId: open.appId, certificateNotAfter: notAfter } });
    })();
    return status();
  }

  function setRoutes(routes: PaymentRoute[], session: Session): GatewayStatus {
    for (const route of routes) {
      const problems = providerStatus(route.provider).problems;
      if (problems.some((p) => p === 'not_configured' || p === 'certificate_expired' || p === 'certificate_missing' || p === 'built_in_sandbox_off' || p === 'global_settings_incomplete' || p === 'global_common_mode_unavailable')) {
        throw new PosError('validation_failed', `${route.provider} cannot take ${route.wallet} payments: ${problems.join(', ')}`, { reason: problems[0], provider: route.provider });
      }
    }
    const before = status().routes;
    const at = clock.now().toISOString();
    db.transaction(() => {
      replacePaymentRoutes(db, routes.filter((r) => r.provider !== DEFAULT_PROVIDER), session.caller.userId, at);
      audit.record({ actor: session.caller, action: 'gateway.setRoutes', details: { before, after: status().routes } });
    })();
    return status();
  }

  async function storeBuiltIn(provider: DirectSandboxProvider, session: Session): Promise<GatewayStatus> {
    let started: Awaited<ReturnType<BuiltInSandboxes['sandboxes']['start']>>;
    try {
      started = await deps.builtIn!.sandboxes.start(provider);
    } catch (error) {
      // Nothing was stored: say why on the technician's screen (openssl missing, a port taken), not "unexpected".
      throw new PosError('unavailable', `The built-in ${provider} sandbox could not be started: ${(error as Error).message}`, { reason: 'built_in_sandbox_failed', provider });
    }
    const { url, identity } = started;
    switch (identity.provider) {
      case 'wechat_v2':
        return storeWechatV2({ ...identity.till, baseUrl: url }, session, true);
      case 'wechat_v3':
        // An identity made before the global API was played has no sub-merchant: a common merchant with an MCC.
        return storeWechatV3({ globalMode: 'common', merchantCategoryCode: BUILT_IN_SANDBOX_MCC, ...identity.till, baseUrl: url }, session, true);
      case 'alipay':
        return storeAlipay({ ...identity.till, gatewayUrl: url }, session, true);
    }
  }

  return {
    status,
    wechatV2,
    alipay,
    wechatV3,
    setRoutes,
    setWechatV2: (input, session) => storeWechatV2(input, session, false),
    setWechatV3: (input, session) => storeWechatV3(input, session, false),
    setAlipay: (input, session) => storeAlipay(input, session, false),
    async useBuiltInSandbox(provider, session) {
      if (!deps.builtIn?.available) {
        throw new PosError('forbidden', 'The built-in sandboxes exist in sandbox mode only (acquirer.mode "sandbox"); a live terminal takes real merchant settings', { reason: 'live_mode', provider });
      }
      // The contract lets technicians only; a money path's settings are checked here again, whoever calls.
      if (session.caller.role !== 'technician') throw new PosError('forbidden', 'Only a technician chooses a payment provider’s sandbox', { reason: 'technician_only' });
      return storeBuiltIn(provider, session);
    },
    async setUpBuiltInSandboxes(providers) {
      if (!deps.builtIn?.available) return;
      const terminal: Session = { caller: anonymousCaller };
      for (const provider of providers) {
        if (providerStatus(provider).configured) continue;
        await storeBuiltIn(provider, terminal);
        const wallet = PROVIDER_WALLETS[provider][0]!;
        const routes = status().routes;
        if (routes.find((r) => r.wallet === wallet)?.provider !== DEFAULT_PROVIDER) continue;
        setRoutes([...routes.filter((r) => r.provider !== DEFAULT_PROVIDER), { wallet, provider }], terminal);
      }
    },
  };
}
