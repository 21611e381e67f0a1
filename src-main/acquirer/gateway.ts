/**
 * The payment gateway (issue 18): the providers a wallet payment can go to, and the technician's routing table
 * that picks one per wallet. A provider is a port bound to its own credentials (`ProviderPort`: the acquirer port
 * without the credentials argument) plus what it can do. The aggregator is one provider among others, unchanged
 * behind it; a direct provider (WeChat Pay v2) brings its own settings, sealed at rest.
 *
 * A payment records the provider that took it (payment.provider): its queries, reversals and refunds go there,
 * whatever the routing says by then (`providerOfPayment`).
 */
import type { Database } from 'better-sqlite3';
import { providerOfClientSn, readPaymentRoutes } from '../../db/queries/payment-routes';
import { PosError } from '../../src-common/errors';
import type { Wallet } from '../../src-common/payment-code';
import { DEFAULT_PROVIDER, PROVIDER_CAPABILITIES, PROVIDERS, type Capability, type ProviderId } from '../../src-common/payment-provider';
import type { AcquirerPort, TerminalCredentials } from './port';

type WithoutCredentials<F> = F extends (creds: TerminalCredentials, ...rest: infer A) => infer R ? (...rest: A) => R : never;

/** The acquirer port bound to one provider's credentials: what the payment engine calls. */
export type ProviderPort = { [K in Exclude<keyof AcquirerPort, 'activate' | 'checkin'>]: WithoutCredentials<AcquirerPort[K]> };

export interface PaymentProvider {
  readonly id: ProviderId;
  readonly capabilities: ReadonlySet<Capability>;
  /** The port with fresh credentials (the aggregator checks in when its key's day is over). Rejects when unreachable. */
  connect(): Promise<ProviderPort>;
}

/** Binds an acquirer port to the credentials of the moment. */
export function bindPort(port: AcquirerPort, creds: TerminalCredentials): ProviderPort {
  return {
    pay: (input) => port.pay(creds, input),
    precreate: (input) => port.precreate(creds, input),
    query: (clientSn) => port.query(creds, clientSn),
    cancel: (clientSn) => port.cancel(creds, clientSn),
    revoke: (clientSn) => port.revoke(creds, clientSn),
    refund: (input) => port.refund(creds, input),
    refundStatus: (input) => port.refundStatus(creds, input),
    statement: (date) => port.statement(creds, date),
  };
}

export function aggregatorProvider(port: AcquirerPort, credentials: () => Promise<TerminalCredentials>): PaymentProvider {
  return { id: 'aggregator', capabilities: new Set(PROVIDER_CAPABILITIES.aggregator), connect: async () => bindPort(port, await credentials()) };
}

export interface PaymentGateway {
  /** The provider the routing table gives a wallet now (the aggregator when none). */
  providerFor(wallet: Wallet): ProviderId;
  /** Throws PosError `unavailable` for a provider this terminal has no settings for. */
  provider(id: ProviderId): PaymentProvider;
  /** Whether the till may offer it for a wallet: its provider is set up and can do it. */
  offers(wallet: Wallet, capability: Capability): boolean;
}

export interface GatewayDeps {
  db: Database;
  aggregator: PaymentProvider;
  /** A direct provider as this terminal's settings make it now, or null when it has none. */
  direct: (id: Exclude<ProviderId, 'aggregator'>) => PaymentProvider | null;
}

export function createPaymentGateway(deps: GatewayDeps): PaymentGateway {
  const { db, aggregator, direct } = deps;
  const lookup = (id: ProviderId): PaymentProvider | null => (id === 'aggregator' ? aggregator : direct(id));
  const gateway: PaymentGateway = {
    providerFor(wallet) {
      const route = readPaymentRoutes(db).find((r) => r.wallet === wallet);
      return route && (PROVIDERS as readonly string[]).includes(route.provider) ? (route.provider as ProviderId) : DEFAULT_PROVIDER;
    },
    provider(id) {
      const found = lookup(id);
      if (!found) throw new PosError('unavailable', `Payment provider ${id} is not set up on this terminal`, { reason: 'provider_not_configured', provider: id });
      return found;
    },
    offers(wallet, capability) {
      return lookup(gateway.providerFor(wallet))?.capabilities.has(capability) ?? false;
    },
  };
  return gateway;
}

/** A gateway with the aggregator only: terminals and tests that route nothing elsewhere. */
export function aggregatorOnlyGateway(port: AcquirerPort, credentials: () => Promise<TerminalCredentials>): PaymentGateway {
  const aggregator = aggregatorProvider(port, credentials);
  return {
    providerFor: () => 'aggregator',
    provider: (id) => {
      if (id !== 'aggregator') throw new PosError('unavailable', `Payment provider ${id} is not set up on this terminal`, { reason: 'provider_not_configured', provider: id });
      return aggregator;
    },
    offers: (_wallet, capability) => aggregator.capabilities.has(capability),
  };
}

/**
 * An acquirer port for the services still written against the aggregator's credentials (refunds): each call
 * about an order goes to the provider that took it, found by its client_sn. The aggregator's calls keep the
 * credentials given; a direct provider's use its own.
 */
export function routedByOrder(db: Database, aggregatorPort: AcquirerPort, gateway: PaymentGateway): AcquirerPort {
  const providerOf = (clientSn: string): ProviderId => {
    const id = providerOfClientSn(db, clientSn);
    return id && (PROVIDERS as readonly string[]).includes(id) ? (id as ProviderId) : DEFAULT_PROVIDER;
  };
  const direct = async (clientSn: string) => gateway.provider(providerOf(clientSn)).connect();
  const isAggregator = (clientSn: string) => providerOf(clientSn) === 'aggregator';
  return {
    activate: (input) => aggregatorPort.activate(input),
    checkin: (creds, deviceId) => aggregatorPort.checkin(creds, deviceId),
    pay: (creds, input) => (isAggregator(input.clientSn) ? aggregatorPort.pay(creds, input) : direct(input.clientSn).then((p) => p.pay(input))),
    precreate: (creds, input) =>
      isAggregator(input.clientSn) ? aggregatorPort.precreate(creds, input) : direct(input.clientSn).then((p) => p.precreate(input)),
    query: async (creds, clientSn) => (isAggregator(clientSn) ? aggregatorPort.query(creds, clientSn) : (await direct(clientSn)).query(clientSn)),
    cancel: async (creds, clientSn) => (isAggregator(clientSn) ? aggregatorPort.cancel(creds, clientSn) : (await direct(clientSn)).cancel(clientSn)),
    revoke: async (creds, clientSn) => (isAggregator(clientSn) ? aggregatorPort.revoke(creds, clientSn) : (await direct(clientSn)).revoke(clientSn)),
    refund: (creds, input) => (isAggregator(input.clientSn) ? aggregatorPort.refund(creds, input) : direct(input.clientSn).then((p) => p.refund(input))),
    refundStatus: (creds, input) =>
      isAggregator(input.clientSn) ? aggregatorPort.refundStatus(creds, input) : direct(input.clientSn).then((p) => p.refundStatus(input)),
    statement: (creds, date) => aggregatorPort.statement(creds, date),
  };
}
