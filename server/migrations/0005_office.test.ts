import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0005_office', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 4));
    expect(await migrate(db, migrations.slice(0, 5))).toEqual([5]);
  });
  afterAll(() => db.end());

  it('keeps one login per account and refuses one with spaces or capitals', async () => {
    await db.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ('A', 'owner', '老板', 'x')`);
    await expect(db.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ('B', 'owner', '另一个', 'x')`)).rejects.toThrow(/unique/);
    await expect(db.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ('C', 'Big Boss', 'x', 'x')`)).rejects.toThrow(/check/);
  });

  it('gives an owner every store only, and a manager one store only', async () => {
    await db.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ('A', '*', 'owner')`);
    await expect(db.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ('B', 'S1', 'owner')`)).rejects.toThrow(/check/);
    await expect(db.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ('B', '*', 'manager')`)).rejects.toThrow(/check/);
    await db.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ('B', 'S1', 'manager'), ('C', '*', 'accountant')`);
    expect((await db.query(`SELECT count(*)::int AS n FROM office_grant`)).rows[0].n).toBe(3);
  });
});
