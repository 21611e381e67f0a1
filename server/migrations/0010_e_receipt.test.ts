import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0010_e_receipt', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 9));
    expect(await migrate(db, migrations.slice(0, 10))).toEqual([10]);
  });
  afterAll(() => db.end());

  it('keeps a token once per store and refuses one that is not 22 base64url characters', async () => {
    const token = 'AbCdEfGhIjKlMnOpQrStU_';
    await db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', $1, 'SALE1', now())`, [token]);
    await expect(db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', $1, 'SALE2', now())`, [token])).rejects.toThrow(/unique|duplicate/);
    await expect(db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', 'short', 'SALE3', now())`)).rejects.toThrow(/check/);
    await expect(db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', $1, 'SALE4', now())`, ['<script>alert(1)</script>xx'])).rejects.toThrow(/check/);
    // Another store may hold the same token (the page then refuses it); the index finds both.
    await db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S2', $1, 'SALE9', now())`, [token]);
    expect((await db.query(`SELECT store_id FROM e_receipt WHERE token = $1 ORDER BY store_id`, [token])).rows).toEqual([{ store_id: 'S1' }, { store_id: 'S2' }]);
  });
});
