import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PullReply } from '../../src-common/sync-protocol';
import { atVersion } from '../../db/migrations/testing';
import { latestSchemaVersion, migrations } from '../../db/migrations';
import { migrate } from '../../db/migrate';
import { findMember, findMemberByPhone } from '../../db/queries/members';
import { buildFact } from './facts';
import { numberEarlierMembers } from './member-facts';
import { applyPull } from './pull';

const AT = '2026-12-05T01:00:00.000Z';

function enrolled() {
  const db = atVersion(latestSchemaVersion);
  db.prepare(
    "INSERT INTO sync_link (singleton, server_url, cert_pem, fingerprint, store_id, store_name, terminal_id, sealed_credential, enrolled_at, stream_id, pulled_version) VALUES (1, 'https://s:1', 'pem', 'AA:BB', 'S', '店', 'T', 'v1.x', ?, 'ST', 3)",
  ).run(AT);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(AT);
  return db;
}

const page = (fields: Partial<PullReply>): PullReply => ({ version: 4, more: false, storeName: '店', products: [], categories: [], users: [], settings: {}, stock: [], deleted: [], ...fields });
const product = (id: string, fields: Partial<PullReply['products'][number]> = {}): PullReply['products'][number] => ({
  id, sku: id, name: '乌龙茶', nameEn: null, price: 650, taxRateBp: 1300, unit: 'each', categoryId: null, plu: null, active: true, barcodes: [], ...fields,
});
const spendSave = { kind: 'spend_save' as const, threshold: 10000, saving: 1500, repeating: false, categoryId: null };
const localPromotion = (db: Sqlite.Database, id: string) =>
  db.prepare("INSERT INTO promotion (id, name, kind, rule, created_at, updated_at) VALUES (?, '本店满减', 'spend_save', ?, ?, ?)").run(id, JSON.stringify(spendSave), AT, AT);
const promotions = (db: Sqlite.Database) => db.prepare('SELECT id, name, kind, active, origin, start_date FROM promotion ORDER BY id').all();
const facts = (db: Sqlite.Database) => db.prepare('SELECT kind, ref_id FROM sync_fact ORDER BY seq').all();

function localSale(db: Sqlite.Database, id: string, memberId: string, earned: number, redeemed = 0) {
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, AT);
  db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = ?, business_date = '2026-12-05', total = 1000 WHERE id = ?").run(AT, Math.floor(Math.random() * 1e6), id);
  if (redeemed) db.prepare("INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, business_date, at, redeemed_as) VALUES (?, ?, 'redeem', ?, ?, ?, '2026-12-05', ?, 'tender')").run(`${id}:redeem`, memberId, -redeemed, redeemed, id, AT);
  if (earned) db.prepare("INSERT INTO member_points (id, member_id, reason, delta, sale_id, business_date, at) VALUES (?, ?, 'earn', ?, ?, '2026-12-05', ?)").run(`${id}:earn`, memberId, earned, id, AT);
}

describe('applyPull: the store’s promotions (issue 16)', () => {
  it('takes the store’s promotions and ends the till’s own; a deleted one goes; member prices come with products', () => {
    const db = enrolled();
    localPromotion(db, 'LOCAL');
    applyPull(db, page({ products: [product('P1', { memberPrice: 590 })] }), AT);
    expect(promotions(db)).toEqual([{ id: 'LOCAL', name: '本店满减', kind: 'spend_save', active: 1, origin: 'till', start_date: null }]); // an older server: nothing changes
    expect(db.prepare("SELECT member_price FROM product WHERE id = 'P1'").pluck().get()).toBe(590);

    const applied = applyPull(
      db,
      page({
        version: 5,
        promotions: [
          { id: 'S1', name: '满100减15', active: true, startDate: '2026-12-01', endDate: null, rule: spendSave },
          { id: 'S2', name: '第二件半价', active: true, startDate: null, endDate: null, rule: { kind: 'nth_item', productId: 'P1', nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } } },
        ],
        deletedPromotions: [],
      }),
      AT,
    );
    expect(applied.promotions).toBe(2);
    expect(promotions(db)).toEqual([
      { id: 'LOCAL', name: '本店满减', kind: 'spend_save', active: 0, origin: 'till', start_date: null },
      { id: 'S1', name: '满100减15', kind: 'spend_save', active: 1, origin: 'store', start_date: '2026-12-01' },
      { id: 'S2', name: '第二件半价', kind: 'nth_item', active: 1, origin: 'store', start_date: null },
    ]);
    applyPull(db, page({ version: 6, products: [product('P1', { memberPrice: null })], promotions: [], deletedPromotions: ['S2', 'LOCAL'] }), AT);
    // The till's own is never deleted by the server: only the store's.
    expect(promotions(db).map((p) => (p as { id: string }).id)).toEqual(['LOCAL', 'S1']);
    expect(db.prepare("SELECT member_price FROM product WHERE id = 'P1'").pluck().get()).toBeNull();
  });
});

describe('applyPull: members across the store’s tills (issue 16)', () => {
  it('adds members made at other tills (no fact of its own goes up for them) and counts the other tills’ points in the balance', () => {
    const db = enrolled();
    applyPull(db, page({ members: [{ id: 'MA', phone: '13800000001', name: '王芳', code: 'CODEAAAA1', createdAt: AT, anonymised: false }], memberPoints: [{ memberId: 'MA', terminalId: 'A', points: 120 }] }), AT);
    expect(facts(db)).toEqual([]);
    expect(findMemberByPhone(db, '13800000001')).toMatchObject({ id: 'MA', name: '王芳', origin: 'store', balance: 120 });
    // Redeeming here what was earned there; the next pull replaces A's sum (not adds to it).
    localSale(db, 'S1', 'MA', 8, 100);
    expect(findMember(db, 'MA')!.balance).toBe(28);
    applyPull(db, page({ version: 5, memberPoints: [{ memberId: 'MA', terminalId: 'A', points: 150 }] }), AT);
    expect(findMember(db, 'MA')!.balance).toBe(58);
    // Never below zero, counting every till.
    expect(() => localSale(db, 'S2', 'MA', 0, 59)).toThrow(/below zero/);
  });

  it('makes a member pulled with a phone a member here holds an alias of it: the same person, points added', () => {
    const db = enrolled();
    db.prepare("INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES ('MB', '13800000002', NULL, 'CODEBBBB1', ?, 'U1')").run(AT);
    localSale(db, 'S1', 'MB', 30);
    applyPull(db, page({ members: [{ id: 'MA', phone: '13800000002', name: '李雷', code: 'CODEAAAA2', createdAt: '2026-12-05T00:00:00.000Z', anonymised: false }], memberPoints: [{ memberId: 'MA', terminalId: 'A', points: 45 }] }), AT);
    expect(db.prepare('SELECT id FROM member').pluck().all()).toEqual(['MB']);
    expect(db.prepare('SELECT id, member_id FROM member_alias').all()).toEqual([{ id: 'MA', member_id: 'MB' }]);
    expect(findMemberByPhone(db, '13800000002')!.balance).toBe(75);
    // Anonymised at the other till: anonymised here too, whichever id it came as.
    applyPull(db, page({ version: 5, members: [{ id: 'MA', phone: null, name: null, code: 'CODEAAAA2', createdAt: AT, anonymised: true }] }), AT);
    expect(db.prepare("SELECT phone, name, anonymised_at IS NOT NULL AS gone FROM member WHERE id = 'MB'").get()).toEqual({ phone: null, name: null, gone: 1 });
  });

  it('sends a member made here up as a fact (with the phone), and an anonymisation as another, without the phone', () => {
    const db = enrolled();
    db.prepare("INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES ('MC', '13800000003', '韩梅', 'CODECCCC1', ?, 'U1')").run(AT);
    const rows = db.prepare("SELECT seq, kind, ref_id, variant, recorded_at FROM sync_fact WHERE kind = 'member'").all() as Parameters<typeof buildFact>[1][];
    expect(rows).toHaveLength(1);
    const built = buildFact(db, rows[0]!, 1, 'T');
    expect(built).toMatchObject({ ok: true, fact: { kind: 'member', id: 'MC', payload: { memberId: 'MC', phone: '13800000003', name: '韩梅', code: 'CODECCCC1', createdAt: AT, anonymisedAt: null } } });
    db.prepare("UPDATE member SET phone = NULL, name = NULL, anonymised_at = ? WHERE id = 'MC'").run(AT);
    const anon = db.prepare("SELECT seq, kind, ref_id, variant, recorded_at FROM sync_fact WHERE kind = 'member_anonymised'").get() as Parameters<typeof buildFact>[1];
    expect(buildFact(db, anon, 2, 'T')).toMatchObject({ ok: true, fact: { kind: 'member_anonymised', id: 'anonymised:MC', payload: { memberId: 'MC', at: AT } } });
    // Built at upload time after the anonymisation, the member fact carries no personal data.
    expect(buildFact(db, rows[0]!, 1, 'T')).toMatchObject({ ok: true, fact: { payload: { phone: null, name: null, anonymisedAt: AT } } });
  });

  it('gives members made before migration 0030 their fact once', () => {
    const db = atVersion(29);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(AT);
    db.prepare("INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES ('OLD', '13800000004', NULL, 'CODEDDDD1', ?, 'U1')").run(AT);
    migrate(db, migrations);
    const upgraded = db;
    expect(numberEarlierMembers(upgraded)).toBe(1);
    expect(numberEarlierMembers(upgraded)).toBe(0);
    expect(facts(upgraded).filter((f) => (f as { kind: string }).kind === 'member')).toEqual([{ kind: 'member', ref_id: 'OLD' }]);
  });
});
