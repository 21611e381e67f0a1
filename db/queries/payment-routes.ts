import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface PaymentRouteRow {
  wallet: string;
  provider: string;
}

export interface PaymentProviderRow {
  provider: string;
  settings: string;
  sealed_secrets: string;
  cert_not_after: string | null;
  updated_at: string;
}

export function readPaymentRoutes(db: Database): PaymentRouteRow[] {
  return stmt(db, 'SELECT wallet, provider FROM payment_route ORDER BY wallet').all() as PaymentRouteRow[];
}

/** Replaces the whole table: a wallet left out goes back to the aggregator. The caller holds the transaction. */
export function replacePaymentRoutes(db: Database, routes: readonly PaymentRouteRow[], by: string | null, at: string): void {
  stmt(db, 'DELETE FROM payment_route').run();
  const insert = stmt(db, 'INSERT INTO payment_route (wallet, provider, updated_at, updated_by) VALUES (?, ?, ?, ?)');
  for (const r of routes) insert.run(r.wallet, r.provider, at, by);
}

export function readPaymentProvider(db: Database, provider: string): PaymentProviderRow | undefined {
  return stmt(db, 'SELECT provider, settings, sealed_secrets, cert_not_after, updated_at FROM payment_provider WHERE provider = ?').get(provider) as
    | PaymentProviderRow
    | undefined;
}

export function writePaymentProvider(db: Database, row: Omit<PaymentProviderRow, 'updated_at'>, by: string | null, at: string): void {
  stmt(
    db,
    `INSERT INTO payment_provider (provider, settings, sealed_secrets, cert_not_after, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider) DO UPDATE SET settings = excluded.settings, sealed_secrets = excluded.sealed_secrets,
       cert_not_after = excluded.cert_not_after, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  ).run(row.provider, row.settings, row.sealed_secrets, row.cert_not_after, at, by);
}

export function providerOfClientSn(db: Database, clientSn: string): string | undefined {
  return stmt(db, 'SELECT provider FROM payment WHERE client_sn = ?').pluck().get(clientSn) as string | undefined;
}
