import type pg from 'pg';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFacts } from '../api/facts';
import { openPool, type Db } from '../database';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { saleFact } from '../testing/facts';
import { connect, freshDatabase } from '../testing/postgres';

/** Its place in the list, found by name (a merge may renumber it). */
const AT = migrations.findIndex((m) => m.name === 'stream_seq_in_fact');
const who = { storeId: 'S1', terminalId: 'T1' };

describe('0016_stream_seq_in_fact', () => {
  let db: pg.Client;
  let pool: Db;
  const stream = ulid();
  // Three sales stored before the migration (a stream_seq row each), the fourth after.
  const facts = [1, 2, 3, 4].map((seq) => saleFact(seq));
  const streamSeqRows = async (s: string) => (await db.query<{ seq: string; fact_id: string }>('SELECT seq, fact_id FROM stream_seq WHERE store_id = $1 AND stream = $2 ORDER BY seq', ['S1', s])).rows;

  beforeAll(async () => {
    const url = await freshDatabase();
    db = await connect(url);
    pool = openPool(url);
    await migrate(db, migrations.slice(0, AT));
    await db.query(`INSERT INTO fact_stream (store_id, stream, terminal_id, acked_seq) VALUES ('S1', $1, 'T1', 3)`, [stream]);
    for (const f of facts.slice(0, 3)) {
      await db.query(`INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, payload) VALUES ('S1', $1, 'T1', $2, $3, 'sale', $4, $5)`, [f.id, stream, f.seq, f.recordedAt, f.payload]);
      await db.query(`INSERT INTO stream_seq (store_id, stream, seq, fact_id) VALUES ('S1', $1, $2, $3)`, [stream, f.seq, f.id]);
    }
  });
  afterAll(async () => {
    await pool.end();
    await db.end();
  });

  it('indexes each fact by its store, stream and seq, uniquely', async () => {
    expect(await migrate(db, migrations.slice(0, AT + 1))).toEqual([AT + 1]);
    const { rows } = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'fact_by_stream_seq'`);
    expect(rows.map((r) => r.indexdef)).toEqual(['CREATE UNIQUE INDEX fact_by_stream_seq ON public.fact USING btree (store_id, stream, seq)']);
    await expect(
      db.query(`INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, payload) VALUES ('S1', $1, 'T1', $2, 2, 'sale', now(), '{}')`, [ulid(), stream]),
    ).rejects.toThrow(/fact_by_stream_seq/);
  });

  it('stores a new fact with no stream_seq row, and still knows every seq of the stream: a retry adds nothing, another fact at a held seq is a restored till', async () => {
    expect(await uploadFacts(pool, who, { stream, facts })).toEqual({ stream, ackedSeq: 4 });
    expect((await streamSeqRows(stream)).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    expect((await db.query(`SELECT fact_id FROM fact WHERE store_id = 'S1' AND stream = $1 AND seq = 4`, [stream])).rows).toEqual([{ fact_id: facts[3]!.id }]);

    expect(await uploadFacts(pool, who, { stream, facts })).toEqual({ stream, ackedSeq: 4 });
    expect((await db.query(`SELECT count(*)::int AS n FROM fact`)).rows).toEqual([{ n: 4 }]);
    // A seq written before the migration (its stream_seq row) and one after (its fact row) each refuse another fact.
    for (const seq of [2, 4]) {
      await expect(uploadFacts(pool, who, { stream, facts: [saleFact(seq)] })).rejects.toMatchObject({ code: 'stream_diverged', details: { seq, ackedSeq: 4 } });
    }
  });

  it('keeps a stream_seq row for a fact another stream stored first (a till restored under a new stream re-sending it)', async () => {
    const restored = ulid();
    const again = { ...facts[3]!, seq: 1 };
    expect(await uploadFacts(pool, who, { stream: restored, facts: [again, saleFact(2)] })).toEqual({ stream: restored, ackedSeq: 2 });
    expect((await streamSeqRows(restored)).map((r) => [Number(r.seq), r.fact_id])).toEqual([[1, facts[3]!.id]]);
    expect((await db.query(`SELECT count(*)::int AS n FROM fact`)).rows).toEqual([{ n: 5 }]);
    await expect(uploadFacts(pool, who, { stream: restored, facts: [saleFact(1)] })).rejects.toMatchObject({ code: 'stream_diverged', details: { seq: 1 } });
    expect(await uploadFacts(pool, who, { stream: restored, facts: [again] })).toEqual({ stream: restored, ackedSeq: 2 });
  });
});
