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
  wechatV3SettingsSchema,
  type PaymentRoute,
  type ProviderId,
  type WechatV2Settings,
  type WechatV3Settings,
} from '../../src-common/payment-provider';
import type { Session } from '../../src-common/roles';
import { normalisedKeys } from '../acquirer/alipay/provider';
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
}

export function createPaymentRoutesService(deps: { db: Database; clock: Clock; keyring: Keyring; audit: AuditService }): PaymentRoutesService {
  const { db, clock, keyring, audit } = deps;

  const wechatV2 = (): { settings: WechatV2Settings; updatedAt: string } | null => {
    const row = readPaymentProvider(db, 'wechat_v2');
    if (!row) return null;
    const open = JSON.parse(row.settings) as Record<string, unknown>;
    const secrets = JSON.parse(keyring.unseal(row.sealed_secrets)) as Record<string, unknown>;
    return { settings: wechatV2SettingsSchema.parse({ ...open, ...secrets }), updatedAt: row.updated_at };
  };

  const alipay = (): { settings: AlipaySettings; updatedAt: string } | null => {
    const row = readPaymentProvider(db, 'alipay');
    if (!row) return null;
    const open = JSON.parse(row.settings) as Record<string, unknown>;
    const secrets = JSON.parse(keyring.unseal(row.sealed_secrets)) as Record<string, unknown>;
    return { settings: alipaySettingsSchema.parse({ ...open, ...secrets }), updatedAt: row.updated_at };
  };

  const wechatV3 = (): { settings: WechatV3Settings; updatedAt: string } | null => {
    const row = readPaymentProvider(db, 'wechat_v3');
    if (!row) return null;
    const open = JSON.parse(row.settings) as Record<string, unknown>;
    const secrets = JSON.parse(keyring.unseal(row.sealed_secrets)) as Record<string, unknown>;
    return { settings: wechatV3SettingsSchema.parse({ ...open, ...secrets }), updatedAt: row.updated_at };
  };

  function providerStatus(provider: ProviderId): ProviderStatus {
    const base = { provider, capabilities: [...PROVIDER_CAPABILITIES[provider]], wallets: [...PROVIDER_WALLETS[provider]] };
    if (provider === 'aggregator') return { ...base, configured: true, settings: {}, certificateNotAfter: null, problems: [], updatedAt: null };
    const row = readPaymentProvider(db, provider);
    if (!row) return { ...base, configured: false, settings: {}, certificateNotAfter: null, problems: ['not_configured'], updatedAt: null };
    const settings = JSON.parse(row.settings) as Record<string, string>;
    const end = row.cert_not_after ? Date.parse(row.cert_not_after) : null;
    const now = clock.now().getTime();
    const problems: ProviderStatus['problems'] =
      end === null ? (provider === 'alipay' ? [] : ['certificate_missing']) : end <= now ? ['certificate_expired'] : end - now <= EXPIRING_WITHIN_MS ? ['certificate_expiring'] : [];
    return { ...base, configured: true, settings, certificateNotAfter: row.cert_not_after, problems, updatedAt: row.updated_at };
  }

  function status(): GatewayStatus {
    const routed = new Map(readPaymentRoutes(db).map((r) => [r.wallet, r.provider]));
    return {
      routes: WALLETS.map((wallet) => {
        const provider = routed.get(wallet);
        return { wallet, provider: provider && (PROVIDERS as readonly string[]).includes(provider) ? (provider as ProviderId) : DEFAULT_PROVIDER };
      }),
      providers: PROVIDERS.map(providerStatus),
    };
  }

  return {
    status,
    wechatV2,
    alipay,
    wechatV3,
    setRoutes(routes, session) {
      for (const route of routes) {
        const problems = providerStatus(route.provider).problems;
        if (problems.includes('not_configured') || problems.includes('certificate_expired') || problems.includes('certificate_missing')) {
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
    },
    setWechatV2(input, session) {
      const settings = wechatV2SettingsSchema.parse(input);
      const notAfter = certificateNotAfter(settings.certPem);
      if (!notAfter) throw new PosError('validation_failed', 'The merchant certificate cannot be read', { reason: 'certificate_unreadable' });
      const { apiKey, keyPem, certPem, caPem, ...open } = settings;
      const at = clock.now().toISOString();
      db.transaction(() => {
        writePaymentProvider(
          db,
          { provider: 'wechat_v2', settings: JSON.stringify(open), sealed_secrets: keyring.seal(JSON.stringify({ apiKey, keyPem, certPem, ...(caPem ? { caPem } : {}) })), cert_not_after: notAfter },
          session.caller.userId,
          at,
        );
        audit.record({ actor: session.caller, action: 'gateway.setProvider', subject: 'wechat_v2', details: { ...open, certificateNotAfter: notAfter } });
      })();
      return status();
    },
    setWechatV3(input, session) {
      const settings = wechatV3SettingsSchema.parse(input);
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
            settings: JSON.stringify(open),
            sealed_secrets: keyring.seal(JSON.stringify({ merchantKeyPem, merchantCertPem, platformPublicKeyPem, ...(caPem ? { caPem } : {}) })),
            cert_not_after: notAfter,
          },
          session.caller.userId,
          at,
        );
        audit.record({ actor: session.caller, action: 'gateway.setProvider', subject: 'wechat_v3', details: { ...open, certificateNotAfter: notAfter } });
      })();
      return status();
    },
    setAlipay(input, session) {
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
          { provider: 'alipay', settings: JSON.stringify(open), sealed_secrets: keyring.seal(JSON.stringify({ privateKeyPem, ...(caPem ? { caPem } : {}) })), cert_not_after: notAfter },
          session.caller.userId,
          at,
        );
        audit.record({ actor: session.caller, action: 'gateway.setProvider', subject: 'alipay', details: { gatewayUrl: open.gatewayUrl, appId: open.appId, certificateNotAfter: notAfter } });
      })();
      return status();
    },
  };
}
