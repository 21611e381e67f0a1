/**
 * The facts waiting in sync_fact, made into the contract's `Fact` from the rows they name. Those rows are final
 * when the fact is numbered and never change after, so building the payload at upload time sends what was
 * committed. Every fact is checked against the contract before it leaves: one that cannot be made valid stops
 * the upload at that fact (never skipped) and is reported.
 */
import type { Database } from 'better-sqlite3';
import { Fact, type FactKind } from '../../src-common/sync-protocol';
import { stmt } from '../../db/statements';

export interface SyncFactRow {
  seq: number;
  kind: FactKind;
  ref_id: string;
  variant: string;
  recorded_at: string;
}

export type BuiltFact = { ok: true; fact: Fact } | { ok: false; seq: number; kind: FactKind; refId: string; reason: string };

type Row = Record<string, unknown>;

export function unackedFacts(db: Database, afterSeq: number, limit: number): SyncFactRow[] {
  return stmt(db, 'SELECT seq, kind, ref_id, variant, recorded_at FROM sync_fact WHERE acked = 0 AND seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as SyncFactRow[];
}

/** `wireSeq` is the fact's number in the current upload stream (its local seq less the stream's base). */
export function buildFact(db: Database, row: SyncFactRow, wireSeq: number, terminalId: string): BuiltFact {
  let draft: { id: string; payload: unknown } | null;
  try {
    draft = payloadOf(db, row, terminalId);
  } catch (error) {
    return { ok: false, seq: row.seq, kind: row.kind, refId: row.ref_id, reason: error instanceof Error ? error.message : String(error) };
  }
  if (!draft) return { ok: false, seq: row.seq, kind: row.kind, refId: row.ref_id, reason: 'the row it names is missing' };
  const parsed = Fact.safeParse({ seq: wireSeq, id: draft.id, kind: row.kind, recordedAt: row.recorded_at, payload: draft.payload });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, seq: row.seq, kind: row.kind, refId: row.ref_id, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, fact: parsed.data };
}

function payloadOf(db: Database, row: SyncFactRow, terminalId: string): { id: string; payload: unknown } | null {
  const one = (sql: string, ...params: unknown[]) => stmt(db, sql).get(...params) as Row | undefined;
  const all = (sql: string, ...params: unknown[]) => stmt(db, sql).all(...params) as Row[];
  switch (row.kind) {
    case 'sale': {
      const s = one("SELECT * FROM sale WHERE id = ? AND status = 'completed'", row.ref_id);
      if (!s) return null;
      return {
        id: row.ref_id,
        payload: {
          saleId: s.id,
          receiptNo: s.receipt_no,
          businessDate: s.business_date,
          openedAt: s.opened_at,
          closedAt: s.closed_at,
          currency: s.currency,
          subtotal: s.subtotal,
          discountTotal: s.discount_total,
          total: s.total,
          rounding: s.rounding,
          taxTotal: s.tax_total,
          changeGiven: s.change_given,
          cashierId: s.closed_by ?? s.opened_by ?? null,
          shiftId: shiftAt(db, String(s.terminal_id), String(s.closed_at)),
          lines: all('SELECT * FROM sale_line WHERE sale_id = ? ORDER BY line_no', s.id).map((l) => ({
            lineNo: l.line_no,
            productId: l.product_id,
            sku: l.sku,
            name: l.name,
            unit: l.unit,
            quantityMilli: l.quantity_milli,
            unitPrice: l.unit_price,
            gross: l.gross,
            lineDiscount: l.line_discount,
            orderDiscount: l.order_discount,
            net: l.net,
            taxRateBp: l.tax_rate_bp,
          })),
          taxes: all('SELECT rate_bp, taxable, tax FROM sale_tax WHERE sale_id = ? ORDER BY rate_bp', s.id).map((t) => ({ rateBp: t.rate_bp, taxable: t.taxable, tax: t.tax })),
          tenders: all(
            'SELECT t.id, t.seq, t.kind, t.amount, t.tendered, t.payment_id, coalesce(p.merchant_discount, 0) AS merchant_discount FROM sale_tender t LEFT JOIN payment p ON p.id = t.payment_id WHERE t.sale_id = ? ORDER BY t.seq',
            s.id,
          ).map((t) => ({ tenderId: t.id, seq: t.seq, kind: t.kind, amount: t.amount, tendered: t.tendered, paymentId: t.payment_id, merchantDiscount: t.merchant_discount })),
          ...(s.receipt_token ? { receiptToken: s.receipt_token } : {}),
        },
      };
    }
    case 'sale_void': {
      const s = one("SELECT id, void_reason, closed_by, closed_at FROM sale WHERE id = ? AND status = 'voided'", row.ref_id);
      if (!s) return null;
      return { id: `void:${row.ref_id}`, payload: { saleId: s.id, reason: s.void_reason ?? '', voidedBy: s.closed_by ?? null, at: s.closed_at } };
    }
    case 'refund': {
      const r = one(
        `SELECT r.*, s.receipt_no AS sale_receipt_no, (SELECT count(*) FROM refund g WHERE g.refund_group = r.refund_group) AS legs
           FROM refund r JOIN sale s ON s.id = r.sale_id WHERE r.id = ? AND r.status = 'refunded'`,
        row.ref_id,
      );
      if (!r) return null;
      return {
        id: row.ref_id,
        payload: {
          refundId: r.id,
          saleId: r.sale_id,
          receiptNo: r.receipt_no,
          businessDate: r.business_date,
          kind: r.kind,
          tenderKind: r.tender_kind,
          amount: r.amount,
          walletAmount: r.wallet_amount,
          cashAmount: r.cash_amount,
          reason: r.reason,
          approvedBy: r.approved_by,
          finishedAt: r.finished_at,
          lines: all('SELECT line_no, quantity_milli, amount FROM refund_line WHERE refund_id = ? ORDER BY line_no', r.id).map((l) => ({ lineNo: l.line_no, quantityMilli: l.quantity_milli, amount: l.amount })),
          ...(r.payer_currency !== null && r.payer_amount !== null ? { payerCurrency: r.payer_currency, payerAmount: r.payer_amount } : {}),
          // A leg of a refund that went back to several wallet payments: each leg is a full refund fact of its own.
          ...(Number(r.legs) > 1 ? { refundGroup: r.refund_group, leg: r.leg_no, legs: r.legs } : {}),
        },
      };
    }
    case 'payment': {
      const p = one('SELECT * FROM payment WHERE id = ?', row.ref_id);
      if (!p) return null;
      return {
        // A payment that reached two final states (failed, then paid late) is two facts.
        id: `${row.ref_id}:${row.variant}`,
        payload: {
          paymentId: p.id,
          saleId: p.sale_id ?? null,
          wallet: p.wallet ?? '',
          amount: p.amount,
          status: row.variant,
          clientSn: p.client_sn,
          acquirerSn: p.acquirer_sn ?? null,
          finishedAt: p.finished_at ?? null,
          provider: p.provider,
          currency: p.currency,
          ...(p.payer_currency !== null && p.payer_amount !== null ? { payerCurrency: p.payer_currency, payerAmount: p.payer_amount } : {}),
          ...(p.payer_rate !== null ? { rate: p.payer_rate, rateScale: p.payer_rate_scale ?? 0 } : {}),
        },
      };
    }
    case 'cash_movement': {
      const m = one('SELECT * FROM cash_movement WHERE id = ?', row.ref_id);
      if (!m) return null;
      return { id: row.ref_id, payload: { movementId: m.id, shiftId: m.shift_id, kind: m.kind, amount: m.amount, reason: m.reason, userId: m.user_id, approvedBy: m.approved_by ?? null, at: m.at } };
    }
    case 'shift_open':
    case 'shift_close': {
      const s = one('SELECT * FROM shift WHERE id = ?', row.ref_id);
      if (!s) return null;
      const closing = row.kind === 'shift_close';
      return {
        id: `${closing ? 'close' : 'open'}:${row.ref_id}`,
        payload: {
          shiftId: s.id,
          openedAt: s.opened_at,
          openedBy: s.opened_by,
          floatAmount: s.float_amount,
          closedAt: closing ? s.closed_at : null,
          closedBy: closing ? s.closed_by : null,
          expectedCash: closing ? s.expected_cash : null,
          countedCash: closing ? s.counted_cash : null,
          overShort: closing ? s.over_short : null,
        },
      };
    }
    case 'z_report': {
      const at = row.ref_id.lastIndexOf(':');
      const z = one('SELECT * FROM z_report WHERE terminal_id = ? AND z_no = ?', row.ref_id.slice(0, at), Number(row.ref_id.slice(at + 1)));
      if (!z) return null;
      return {
        id: `z:${row.ref_id}`,
        payload: {
          zNo: z.z_no,
          businessDate: z.business_date,
          fromAt: z.from_at ?? null,
          toAt: z.to_at,
          currency: z.currency,
          salesCount: z.sales_count,
          gross: z.gross,
          discounts: z.discounts,
          refunds: z.refunds,
          net: z.net,
          tax: z.tax,
          report: JSON.parse(String(z.report)) as unknown,
        },
      };
    }
    case 'x_report': {
      const x = one('SELECT * FROM x_report WHERE id = ?', row.ref_id);
      if (!x) return null;
      return {
        id: `x:${row.ref_id}`,
        payload: {
          xId: x.id,
          businessDate: x.business_date,
          fromAt: x.from_at ?? null,
          takenAt: x.taken_at,
          takenBy: x.taken_by,
          currency: x.currency,
          salesCount: x.sales_count,
          gross: x.gross,
          discounts: x.discounts,
          refunds: x.refunds,
          net: x.net,
          tax: x.tax,
          report: JSON.parse(String(x.report)) as unknown,
        },
      };
    }
    case 'stock_movement': {
      const m = one('SELECT * FROM stock_movement WHERE id = ?', row.ref_id);
      if (!m) return null;
      return {
        id: row.ref_id,
        payload: { movementId: m.id, productId: m.product_id, deltaMilli: m.delta_milli, reason: m.reason, ref: m.ref ?? null, at: m.at, ...(m.unit_cost == null ? {} : { unitCost: m.unit_cost }) },
      };
    }
    case 'member_points': {
      const p = one('SELECT * FROM member_points WHERE id = ?', row.ref_id);
      if (!p) return null;
      return {
        id: row.ref_id,
        payload: {
          entryId: p.id,
          memberId: p.member_id,
          reason: p.reason,
          delta: p.delta,
          amount: p.amount,
          uncollected: p.uncollected,
          redeemedAs: p.redeemed_as ?? null,
          saleId: p.sale_id,
          refundId: p.refund_id ?? null,
          businessDate: p.business_date,
          at: p.at,
        },
      };
    }
    case 'member': {
      const m = one("SELECT * FROM member WHERE id = ? AND origin = 'till'", row.ref_id);
      if (!m) return null;
      // A member anonymised before this fact leaves goes up without the phone and name.
      return { id: row.ref_id, payload: { memberId: m.id, phone: m.phone ?? null, name: m.name ?? null, code: m.code, createdAt: m.created_at, anonymisedAt: m.anonymised_at ?? null } };
    }
    case 'member_anonymised': {
      const m = one('SELECT id, anonymised_at FROM member WHERE id = ? AND anonymised_at IS NOT NULL', row.ref_id);
      if (!m) return null;
      return { id: `anonymised:${row.ref_id}`, payload: { memberId: m.id, at: m.anonymised_at } };
    }
    case 'audit': {
      const a = one('SELECT * FROM audit_log WHERE seq = ?', Number(row.ref_id));
      if (!a) return null;
      return {
        id: `audit:${terminalId}:${row.ref_id}`,
        payload: {
          auditId: `${terminalId}:${row.ref_id}`,
          at: a.at,
          userId: a.actor_id ?? null,
          action: a.action,
          detail: { ...(JSON.parse(String(a.details)) as object), ...(a.subject ? { subject: a.subject } : {}), ...(a.actor_role ? { actorRole: a.actor_role } : {}) },
          hash: a.hash,
        },
      };
    }
  }
}

/** The shift open on the terminal when a sale closed, if any (sales carry no shift of their own). */
function shiftAt(db: Database, terminalId: string, at: string): string | null {
  const id = stmt(db, 'SELECT id FROM shift WHERE terminal_id = ? AND opened_at <= ? AND (closed_at IS NULL OR closed_at >= ?) ORDER BY opened_at DESC LIMIT 1')
    .pluck()
    .get(terminalId, at, at) as string | undefined;
  return id ?? null;
}
