import { describe, expect, it } from 'vitest';
import type { UploadRequest } from '../../src-common/sync-protocol';
import { Fact } from '../../src-common/sync-protocol';
import { atVersion } from '../../db/migrations/testing';
import { latestSchemaVersion } from '../../db/migrations';
import pino from 'pino';
import type { SyncClient } from './client';
import { uploadWaitingFacts } from './upload';

const AT = '2026-12-05T01:00:00.000Z';

function till() {
  const db = atVersion(latestSchemaVersion);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '收银员', 'cashier', 'h', ?)").run(AT);
  db.prepare(
    "INSERT INTO sync_link (singleton, server_url, cert_pem, fingerprint, store_id, store_name, terminal_id, sealed_credential, enrolled_at, stream_id) VALUES (1, 'https://s:1', 'pem', 'AA:BB', 'S', '店', 'T', 'v1.x', ?, 'STREAM1')",
  ).run(AT);
  return db;
}

function sale(db: ReturnType<typeof till>, id: string, receiptNo: number, lineName = '乌龙茶') {
  db.prepare("INSERT OR IGNORE INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'TEA', '茶', 650, 1300, 'each', 'c', ?, ?)").run(AT, AT);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, AT);
  db.prepare(
    "INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp) VALUES (?, 1, ?, 'P1', 'TEA', ?, 'each', 1000, 650, 650, 0, 0, 650, 1300)",
  ).run(id, `${id}L`, lineName);
  db.prepare("INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, ?, 1, 'cash', 650, 1000, ?)").run(`${id}T`, id, AT);
  db.prepare(
    "UPDATE sale SET status = 'completed', closed_at = ?, closed_by = 'U1', receipt_no = ?, business_date = '2026-12-05', subtotal = 650, discount_total = 0, total = 650, rounding = 0, tax_total = 75, change_given = 350 WHERE id = ?",
  ).run(AT, receiptNo, id);
}

/** A server that keeps what it is sent, in one stream, and acknowledges the highest contiguous seq. */
function recordingServer() {
  const batches: UploadRequest[] = [];
  const client: SyncClient = {
    enrol: () => Promise.reject(new Error('not here')),
    pull: () => Promise.reject(new Error('not here')),
    upload: (request, body) => {
      expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(request)));
      batches.push(request);
      return Promise.resolve({ stream: request.stream, ackedSeq: request.facts.at(-1)!.seq });
    },
  };
  return { client, batches };
}

const log = pino({ level: 'silent' });

describe('uploadWaitingFacts', () => {
  it('sends the waiting facts in seq order, each valid against the contract, and marks them acknowledged', async () => {
    const db = till();
    sale(db, 'S1', 1);
    sale(db, 'S2', 2);
    const server = recordingServer();
    const outcome = await uploadWaitingFacts({ db, client: server.client, terminalId: 'T', log, newStreamId: () => 'STREAM2', now: () => Date.parse(AT) + 30_000, maxFacts: 1 });
    expect(outcome).toMatchObject({ sent: 2, acked: 2, batches: 2, caughtUp: true, alert: null });
    const facts = server.batches.flatMap((b) => b.facts);
    expect(facts.map((f) => [f.seq, f.kind, f.id])).toEqual([
      [1, 'sale', 'S1'],
      [2, 'sale', 'S2'],
    ]);
    facts.forEach((f) => expect(Fact.safeParse(f).success).toBe(true));
    // Each batch tells the server what waits here: the highest seq, and how long (the till's clock) its first fact waited.
    expect(server.batches.map((b) => b.waiting)).toEqual([
      { highestSeq: 2, oldestAgeMs: 30_000 },
      { highestSeq: 2, oldestAgeMs: 30_000 },
    ]);
    expect(db.prepare('SELECT count(*) FROM sync_fact WHERE acked = 0').pluck().get()).toBe(0);
  });

  it('stops at a fact that cannot be made valid and says which, never skipping it', async () => {
    const db = till();
    sale(db, 'S1', 1);
    sale(db, 'S2', 2, '长'.repeat(250)); // longer than the contract's 200 characters
    sale(db, 'S3', 3);
    const server = recordingServer();
    const outcome = await uploadWaitingFacts({ db, client: server.client, terminalId: 'T', log, newStreamId: () => 'STREAM2', now: () => Date.parse(AT) });
    expect(outcome.alert).toMatch(/^fact_invalid: seq 2 \(sale S2\): payload\.lines\.0\.name/);
    expect(server.batches.flatMap((b) => b.facts).map((f) => f.id)).toEqual(['S1']);
    expect(db.prepare('SELECT seq FROM sync_fact WHERE acked = 0 ORDER BY seq').pluck().all()).toEqual([2, 3]);
    expect(db.prepare('SELECT alert FROM sync_link').pluck().get()).toBe(outcome.alert);
  });
  it('carries a receipt’s unit cost up with its stock movement, and leaves it off every other movement', async () => {
    const db = till();
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'TEA', '茶', 650, 1300, 'each', 'c', ?, ?)").run(AT, AT);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at, unit_cost) VALUES ('M1', 'P1', 24000, 'receive', 'R1', ?, 385)").run(AT);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M2', 'P1', -1000, 'sale', 'S1', ?)").run(AT);
    const server = recordingServer();
    await uploadWaitingFacts({ db, client: server.client, terminalId: 'T', log, newStreamId: () => 'STREAM2', now: () => Date.parse(AT) });
    const payloads = server.batches.flatMap((b) => b.facts).filter((f) => f.kind === 'stock_movement').map((f) => f.payload);
    expect(payloads).toEqual([
      { movementId: 'M1', productId: 'P1', deltaMilli: 24000, reason: 'receive', ref: 'R1', at: AT, unitCost: 385 },
      { movementId: 'M2', productId: 'P1', deltaMilli: -1000, reason: 'sale', ref: 'S1', at: AT },
    ]);
  });
});
