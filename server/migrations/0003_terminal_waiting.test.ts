import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0003_terminal_waiting', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 2));
    await db.query(`INSERT INTO terminal (store_id, terminal_id, name, app_version, credential_hash) VALUES ('S', 'T', 'x', '0.1.0', 'h')`);
    expect(await migrate(db, migrations.slice(0, 3))).toEqual([3]);
  });
  afterAll(() => db.end());

  it('leaves a till enrolled before it with nothing reported (an older till never reports)', async () => {
    expect((await db.query(`SELECT waiting_stream, highest_seq, oldest_waiting_since, waiting_reported_at FROM terminal`)).rows).toEqual([
      { waiting_stream: null, highest_seq: null, oldest_waiting_since: null, waiting_reported_at: null },
    ]);
  });
});
