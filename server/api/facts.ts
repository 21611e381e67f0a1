/**
 * Up: POST /v1/facts and GET /v1/stream. One transaction per batch. A fact is stored once per (store, fact id)
 * whatever stream brings it; each (stream, seq) remembers the fact id it held, so a stream's acknowledged seq
 * is its highest contiguous seq and a (stream, seq) arriving with another fact id is a restored till
 * (stream_diverged). Projections (sales, lines, tenders, refunds, Z reports, stock) are written from the newly
 * stored facts in the same transaction, so totals are SQL sums over them.
 */
import type pg from 'pg';
import { UploadRequest, type Fact, type UploadReply } from '../../src-common/sync-protocol';
import { inTransaction, type Db } from '../database';
import { ApiError, parse } from '../http';
import type { TerminalIdentity } from './terminals';
import { applyMembers } from './members';
import { applyIncomingCosts, lockStores } from '../stock/movements';
import { applyStockMovements, applyVoids, PROJECTIONS, rollups, STOCK_MOVEMENTS } from './projections';
import { SALE_PROJECTED_KEYS } from './sale-payload';

/** The kinds of the member facts the upload's statement returns for applyMembers. */
const MEMBER_KINDS = ['member', 'member_anonymised'];

/**
 * The upload's statement for a batch holding the fact kinds `kinds`: the (stream, seq) rows, the facts, and only the
 * projections and rollups those kinds feed. A CTE of a kind the batch lacks would insert nothing, but its nodes are
 * still set up and run for every batch (ExecutorStart of a 15-CTE plan and its empty scans were ~10% of a one-sale
 * batch's backend CPU); a till's batches hold a few kinds (sales, their stock movements and payments), so each
 * connection prepares a few of these statements, each once (a generic plan).
 */
function ingestSql(kinds: ReadonlySet<string>): string {
  const sales = kinds.has('sale');
  const ctes = [...PROJECTIONS.filter(([, of]) => of.some((k) => kinds.has(k))).map(([name, , sql]) => [name, sql] as const), ...rollups(kinds)];
  if (kinds.has('stock_movement')) ctes.push(['stock', STOCK_MOVEMENTS]);
  const selects = [
    kinds.has('stock_movement') &&
      `SELECT 'stock' AS what, product_id AS id, NULL::text AS terminal_id, sum(delta_milli)::bigint AS delta,
         -- goods received on a till with their unit cost, for the moving-average cost (src-common/office/stock-cost.ts)
         jsonb_agg(jsonb_build_array(delta_milli, unit_cost)) FILTER (WHERE unit_cost IS NOT NULL) AS incoming
    FROM stock GROUP BY product_id`,
    MEMBER_KINDS.some((k) => kinds.has(k)) && `SELECT 'member' AS what, fact_id AS id, NULL::text AS terminal_id, NULL::bigint AS delta, NULL::jsonb AS incoming FROM f WHERE kind IN ('member', 'member_anonymised')`,
    kinds.has('member_points') &&
      `SELECT 'points' AS what, payload->>'memberId' AS id, terminal_id, sum((payload->>'delta')::bigint) AS delta, NULL::jsonb AS incoming FROM f WHERE kind = 'member_points'
    GROUP BY payload->>'memberId', terminal_id`,
  ].filter((q): q is string => q !== false);
  return `
  WITH input AS (
    -- The batch's facts as one JSON array: no array literal to escape and parse per fact on either side.
    SELECT t.id AS fact_id, t.seq, t.kind, t."recordedAt" AS recorded_at,
           CASE WHEN jsonb_typeof(t.payload->'businessDate') = 'string' THEN (t.payload->>'businessDate')::date END AS business_date, t.payload
      FROM jsonb_to_recordset($4::jsonb) AS t(id text, seq bigint, kind text, "recordedAt" timestamptz, payload jsonb)
  ), ${
    sales
      ? `voided_before AS (
    -- Voids stored by earlier batches for this batch's sales (a restored till's void can come before its sale; one in
    -- this batch is applyVoids'), read once for a sale and its tenders: a join on the batch, not a subquery per row
    -- (Citus refuses a correlated subquery beside CTEs, and it was two index probes a sale).
    SELECT v.sale_id, v.voided_at FROM input i JOIN sale_void v ON v.store_id = $1 AND v.sale_id = i.fact_id WHERE i.kind = 'sale'
  ), `
      : ''
  }stored AS (
    INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, business_date, payload)
    SELECT $1, fact_id, $2, $3, seq, kind, recorded_at, business_date,
           CASE WHEN kind = 'sale' THEN payload - ${SALE_PROJECTED_KEYS} ELSE payload END FROM input
    ON CONFLICT (store_id, fact_id) DO NOTHING
    RETURNING store_id, fact_id, seq, terminal_id, kind
  ), seqs AS (
    -- A fact the store already held (another stream stored it first): this stream's seq keeps its id here. The facts
    -- this stream stores itself hold their (stream, seq) in their own row (fact_by_stream_seq, migration 0016).
    INSERT INTO stream_seq (store_id, stream, seq, fact_id)
    SELECT $1, $3, i.seq, i.fact_id FROM input i LEFT JOIN stored s ON s.fact_id = i.fact_id AND s.seq = i.seq WHERE s.fact_id IS NULL
  ), f AS (
    -- The facts this statement stored, with their payloads as sent (a sale's whole, for its projections).
    SELECT s.store_id, s.fact_id, s.terminal_id, s.kind, i.payload FROM stored s JOIN input i ON i.fact_id = s.fact_id AND i.seq = s.seq
  )${ctes.map(([name, sql]) => `, ${name} AS (${sql})`).join('')}
  ${selects.length > 0 ? selects.join('\n  UNION ALL ') : `SELECT NULL::text AS what, NULL::text AS id, NULL::text AS terminal_id, NULL::bigint AS delta, NULL::jsonb AS incoming WHERE false`}`;
}

/** The kinds the statement projects, in a fixed order: those of a batch name its statement (other kinds are only stored). */
const PROJECTED_KINDS = [...new Set([...PROJECTIONS.flatMap(([, kinds]) => kinds), 'refund', 'stock_movement', ...MEMBER_KINDS, 'member_points'])].sort();
const ingestStatements = new Map<string, { name: string; text: string }>();
/**
 * At most this many kind sets get a statement of their own; a batch of any other set takes the statement of every
 * kind. Each prepared statement holds ~0.7 MB of plan in every connection that ran it, and a till chooses what its
 * batches hold: unbounded, 2^8 sets would be ~180 MB a connection.
 */
const MAX_KIND_SETS = 8;

export function ingestStatement(facts: readonly Fact[]): { name: string; text: string } {
  const present = new Set<string>(facts.map((f) => f.kind));
  let kinds = PROJECTED_KINDS.filter((k) => present.has(k));
  if (!ingestStatements.has(kinds.join(',')) && ingestStatements.size >= MAX_KIND_SETS) kinds = PROJECTED_KINDS;
  const key = kinds.join(',');
  let statement = ingestStatements.get(key);
  if (!statement) {
    statement = { name: `ingest:${key}`, text: ingestSql(new Set(kinds)) };
    ingestStatements.set(key, statement);
  }
  return statement;
}

function assertConsecutive(facts: readonly Fact[]): void {
  for (let i = 1; i < facts.length; i += 1) {
    if (facts[i]!.seq !== facts[i - 1]!.seq + 1) {
      throw new ApiError('bad_request', `Facts in a batch must have consecutive seq: ${facts[i - 1]!.seq} is followed by ${facts[i]!.seq}`);
    }
  }
}

/** A sale fact is its sale (the till's fact id is the sale's id): so a sale is stored once, with its one fact. */
function assertSaleIds(facts: readonly Fact[]): void {
  const other = facts.find((f) => f.kind === 'sale' && f.id !== f.payload.saleId);
  if (other?.kind === 'sale') throw new ApiError('bad_request', `A sale fact's id must be its sale's id: fact ${other.id} (seq ${other.seq}) carries sale ${other.payload.saleId}`, { seq: other.seq });
}

/**
 * The projections' unique keys hold what no real till sends twice (a tender id of another sale, a line number twice
 * in a sale): such a batch is refused whole, in words, and nothing of it is stored.
 */
async function orRefuseClash<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const pgError = error as { code?: string; constraint?: string; detail?: string; message?: string };
    if (pgError.code !== '23505') throw error;
    const constraint = pgError.constraint ?? constraintOnShard(pgError.message);
    throw new ApiError('bad_request', `A fact of this batch clashes with one already stored (${constraint ?? 'a unique key'}): ${pgError.detail ?? ''}`.trim(), {
      constraint,
    });
  }
}

/**
 * A Citus worker's unique violation reaches the coordinator's client without its constraint field, named in the
 * message only, and by the shard's name (`sale_tender_pkey_102345`): the table's name is that without the shard id
 * (Citus numbers shards from 102008, so a name's own short number suffix stays).
 */
export function constraintOnShard(message: string | undefined): string | undefined {
  return message?.match(/unique constraint "(.+?)(?:_\d{6,})?"/)?.[1];
}

export async function streamState(db: Db | pg.ClientBase, who: TerminalIdentity, stream: string, lock = false): Promise<number> {
  return (await heldStreamState(db, who, stream, lock)) ?? 0;
}

/** The stream's acknowledged seq, or null while the server holds no row of it. */
async function heldStreamState(db: Db | pg.ClientBase, who: TerminalIdentity, stream: string, lock: boolean): Promise<number | null> {
  const { rows } = await db.query<{ terminal_id: string; acked_seq: number }>({
    name: lock ? 'stream-state-lock' : 'stream-state',
    text: `SELECT terminal_id, acked_seq FROM fact_stream WHERE store_id = $1 AND stream = $2${lock ? ' FOR UPDATE' : ''}`,
    values: [who.storeId, stream],
  });
  const row = rows[0];
  if (!row) return null;
  if (row.terminal_id !== who.terminalId) throw new ApiError('forbidden', 'This stream belongs to another terminal');
  return row.acked_seq;
}

/**
 * The terminal's last upload, and what it said waits on it (an older till says nothing: those columns keep what
 * they had). Its oldest waiting fact is the batch's first, unless the server now holds everything the till has.
 * When the upload `stored` facts, the same statement moves the stream's acknowledged seq to `ackedSeq` (a round trip
 * a batch fewer than a statement of its own).
 */
async function noteUpload(tx: pg.ClientBase, who: TerminalIdentity, request: UploadRequest, ackedSeq: number, stored: boolean): Promise<void> {
  // Which columns change is decided here, not by CASE in SQL: Citus refuses now() inside CASE in an update.
  const waiting = request.waiting;
  const set = ['last_contact_at = now()'];
  if (stored) set.push('last_upload_at = now()');
  if (waiting) {
    set.push('waiting_stream = $3', 'highest_seq = $4', 'waiting_reported_at = now()');
    set.push(waiting.highestSeq > ackedSeq ? 'oldest_waiting_since = now() - make_interval(secs => $5::float8 / 1000)' : 'oldest_waiting_since = NULL');
  }
  const values: unknown[] = [who.storeId, who.terminalId];
  if (waiting) values.push(request.stream, waiting.highestSeq);
  if (waiting && waiting.highestSeq > ackedSeq) values.push(waiting.oldestAgeMs);
  let acking = '';
  if (stored) {
    values.push(request.stream, ackedSeq);
    acking = `WITH ack AS (UPDATE fact_stream SET acked_seq = $${values.length}, updated_at = now() WHERE store_id = $1 AND stream = $${values.length - 1}) `;
  }
  await tx.query({
    name: `note-upload${stored ? '-stored' : ''}${waiting ? (waiting.highestSeq > ackedSeq ? '-waiting' : '-caught-up') : ''}`,
    text: `${acking}UPDATE terminal SET ${set.join(', ')} WHERE store_id = $1 AND terminal_id = $2`,
    values,
  });
}

export async function uploadFacts(db: Db, who: TerminalIdentity, body: unknown): Promise<UploadReply> {
  const request = parse(UploadRequest, body);
  assertConsecutive(request.facts);
  assertSaleIds(request.facts);
  const { stream } = request;
  return inTransaction(db, async (tx) => {
    // Every statement of an upload is named (parsed and planned once per connection): they run for every batch.
    // The stream's row, locked to the commit: made by its first upload (two first uploads at once: the second waits
    // on the first's row and then reads it), read as it is by every other, one round trip a batch.
    let held = await heldStreamState(tx, who, stream, true);
    if (held === null) {
      await tx.query({
        name: 'stream-open',
        text: `INSERT INTO fact_stream (store_id, stream, terminal_id) VALUES ($1, $2, $3) ON CONFLICT (store_id, stream) DO NOTHING`,
        values: [who.storeId, stream, who.terminalId],
      });
      held = await streamState(tx, who, stream, true);
    }
    const acked = held;

    // Facts the stream already holds: the same ids again (a retry) are fine; other ids mean the till went back.
    const old = request.facts.filter((f) => f.seq <= acked);
    if (old.length > 0) {
      // A seq's fact is the fact row this stream stored, or a stream_seq row (a fact stored first by another stream, or
      // any fact stored before migration 0016).
      const { rows } = await tx.query<{ seq: number; fact_id: string }>(
        `SELECT seq, fact_id FROM fact WHERE store_id = $1 AND stream = $2 AND seq = ANY($3::bigint[])
         UNION ALL
         SELECT seq, fact_id FROM stream_seq WHERE store_id = $1 AND stream = $2 AND seq = ANY($3::bigint[])`,
        [who.storeId, stream, old.map((f) => f.seq)],
      );
      const held = new Map(rows.map((r) => [r.seq, r.fact_id]));
      const clash = old.find((f) => held.get(f.seq) !== f.id);
      if (clash) {
        throw new ApiError('stream_diverged', `Seq ${clash.seq} of this stream already holds another fact: this terminal went back (restored?); start a new stream`, { seq: clash.seq, ackedSeq: acked });
      }
    }
    const fresh = request.facts.filter((f) => f.seq > acked);
    // A batch beyond a gap stores nothing: the till resends from ackedSeq + 1.
    if (fresh.length === 0 || fresh[0]!.seq !== acked + 1) {
      if (request.waiting) await noteUpload(tx, who, request, acked, false);
      return { stream, ackedSeq: acked };
    }

    // One statement: the (stream, seq) rows, the facts, and the projections of the facts that were new.
    const projected = await orRefuseClash(
      tx.query<{ what: 'stock' | 'member' | 'points'; id: string; terminal_id: string | null; delta: number | null; incoming: [number, number][] | null }>({
        // Named: parsed, analysed and planned once per connection (a generic plan), where it was every batch (~17% of
        // the backend's CPU for a batch of 100 sales).
        ...ingestStatement(fresh),
        values: [who.storeId, who.terminalId, stream, JSON.stringify(fresh)],
      }),
    );
    // Only a batch with a void voids a sale already stored or in this batch: most batches skip it. Before the store
    // row's lock below: it updates the store's product rollup rows, which other uploads of the store take before
    // that lock too (in their upload statement), so no upload holds the store row while waiting for a product row.
    if (fresh.some((f) => f.kind === 'sale_void')) {
      await applyVoids(tx, who.storeId, fresh.flatMap((f) => (f.kind === 'sale' || f.kind === 'sale_void' ? [f.payload.saleId] : [])));
    }
    const moved = projected.rows.filter((r) => r.what === 'stock');
    const incoming = moved.flatMap((m) => (m.incoming ?? []).map(([quantityMilli, unitCost]) => ({ productId: m.id, quantityMilli, unitCost })));
    if (incoming.length > 0) {
      await lockStores(tx, [who.storeId]);
      await applyIncomingCosts(tx, who.storeId, incoming);
    }
    await applyStockMovements(tx, who.storeId, moved.map((r) => ({ product_id: r.id, delta_milli: r.delta! })));
    await applyMembers(tx, who.storeId, {
      factIds: projected.rows.filter((r) => r.what === 'member').map((r) => r.id),
      points: projected.rows.filter((r) => r.what === 'points').map((r) => ({ memberId: r.id, terminalId: r.terminal_id!, delta: r.delta! })),
    });

    const ackedSeq = fresh[fresh.length - 1]!.seq;
    await noteUpload(tx, who, request, ackedSeq, true);
    return { stream, ackedSeq };
  });
}

