/** Enrolment with a one-time code, and the per-terminal credential every later call carries. */
import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EnrolRequest, type EnrolReply } from '../../src-common/sync-protocol';
import { newSecret, secretHash } from '../admin-token';
import { inTransaction, type Db } from '../database';
import { ApiError, bearer, parse } from '../http';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud and typed on a till
export const ENROLMENT_CODE_HOURS = 24;

/** XXXX-XXXX-XXXX: 60 bits from the CSPRNG. */
export function newEnrolmentCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

export const codeHash = (code: string) => secretHash(code.toUpperCase().replaceAll('-', ''));

export async function createEnrolmentCode(db: Db, storeId: string): Promise<{ code: string; expiresAt: string }> {
  const code = newEnrolmentCode();
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO enrolment_code (store_id, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING expires_at`,
    [storeId, codeHash(code), ENROLMENT_CODE_HOURS],
  );
  return { code, expiresAt: rows[0]!.expires_at.toISOString() };
}

/**
 * POST /v1/enrol. The code is spent by one UPDATE … WHERE used_at IS NULL: of two tills racing with the same
 * code, the second waits for the first's row lock, then finds it used. A terminal enrolled again (same id,
 * new code) gets a new credential; the old one stops working.
 */
export async function enrol(db: Db, body: unknown): Promise<EnrolReply> {
  const request = parse(EnrolRequest, body);
  const credential = newSecret();
  return inTransaction(db, async (tx) => {
    const spent = await tx.query<{ store_id: string; name: string }>(
      `UPDATE enrolment_code c SET used_at = now(), used_by_terminal = $2
         FROM store s
        WHERE c.code_hash = $1 AND c.used_at IS NULL AND c.expires_at > now() AND s.store_id = c.store_id
        RETURNING c.store_id, s.name`,
      [codeHash(request.code), request.terminalId],
    );
    const store = spent.rows[0];
    if (!store) throw new ApiError('enrolment_code_invalid', 'This enrolment code is unknown, already used or expired: ask the owner for a new one');
    await tx.query(
      // The clock in the row, not in the SET: Citus takes only immutable functions in an upsert's DO UPDATE.
      `INSERT INTO terminal (store_id, terminal_id, name, app_version, credential_hash, enrolled_at, last_contact_at) VALUES ($1, $2, $3, $4, $5, now(), now())
       ON CONFLICT (store_id, terminal_id) DO UPDATE
         SET name = EXCLUDED.name, app_version = EXCLUDED.app_version, credential_hash = EXCLUDED.credential_hash,
             enrolled_at = EXCLUDED.enrolled_at, revoked_at = NULL, last_contact_at = EXCLUDED.last_contact_at`,
      [store.store_id, request.terminalId, request.terminalName, request.appVersion, secretHash(credential)],
    );
    return { storeId: store.store_id, storeName: store.name, terminalId: request.terminalId, credential };
  });
}

export interface TerminalIdentity {
  readonly storeId: string;
  readonly terminalId: string;
}

/** The store always comes from the credential, never from what a till sends. */
export async function authenticateTerminal(db: Db, req: IncomingMessage): Promise<TerminalIdentity> {
  const credential = bearer(req);
  if (!credential) throw new ApiError('unauthorized', 'Missing credential: send Authorization: Bearer <credential> from enrolment');
  const { rows } = await db.query<{ store_id: string; terminal_id: string; stale: boolean }>(
    `SELECT store_id, terminal_id, last_contact_at IS NULL OR last_contact_at < now() - interval '5 seconds' AS stale
       FROM terminal WHERE credential_hash = $1 AND revoked_at IS NULL`,
    [secretHash(credential)],
  );
  const row = rows[0];
  if (!row) throw new ApiError('unauthorized', 'Unknown or revoked credential: enrol this terminal again');
  // Last contact to the nearest few seconds: not a write (and a commit) on every call of a busy till.
  if (row.stale) await db.query(`UPDATE terminal SET last_contact_at = now() WHERE store_id = $1 AND terminal_id = $2`, [row.store_id, row.terminal_id]);
  return { storeId: row.store_id, terminalId: row.terminal_id };
}
