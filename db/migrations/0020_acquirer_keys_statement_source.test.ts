import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const ACTIVATED = '2026-12-01T02:00:00.000Z';

describe('0020_acquirer_keys_statement_source', () => {
  it('gives an enrolled terminal its last key fetch (its activation) and every stored statement the statement file as source', () => {
    const db = atVersion(19);
    db.prepare("INSERT INTO acquirer_terminal (singleton, base_url, terminal_sn, sealed_key, key_date, activated_at) VALUES (1, 'embedded-sandbox', 'T1', 'sealed', '2026-12-01', ?)").run(ACTIVATED);
    db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count) VALUES ('2026-12-01', ?, 0)").run(ACTIVATED);
    migrate(db, migrations.slice(0, 20));

    expect(db.prepare('SELECT checked_in_at FROM acquirer_terminal').get()).toEqual({ checked_in_at: ACTIVATED });
    expect(db.prepare('SELECT source FROM acquirer_statement').get()).toEqual({ source: 'statement_file' });
  });

  it('refuses a statement source it does not know', () => {
    const db = atVersion(20);
    expect(() => db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count, source) VALUES ('2026-12-02', ?, 0, 'guess')").run(ACTIVATED)).toThrow(/CHECK/);
    db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count, source) VALUES ('2026-12-02', ?, 0, 'order_query')").run(ACTIVATED);
  });
});
