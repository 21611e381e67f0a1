import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0007_office_totp', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 6));
    await db.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ('A', 'boss', '王老板', 'scrypt$x')`);
    expect(await migrate(db, migrations.slice(0, 7))).toEqual([7]);
  });
  afterAll(() => db.end());

  it('leaves an account made before it with a password only, nothing pending and no code used', async () => {
    expect((await db.query(`SELECT totp_secret, totp_pending_secret, totp_last_step FROM office_account`)).rows).toEqual([
      { totp_secret: null, totp_pending_secret: null, totp_last_step: null },
    ]);
  });
});
