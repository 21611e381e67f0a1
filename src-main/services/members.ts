import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import {
  anonymiseMember,
  findMember,
  findMemberByCode,
  findMemberByPhone,
  insertMember,
  insertPoints,
  memberLedger,
  memberSales,
  searchMembers,
  setSaleMember,
  type MemberWithBalance,
} from '../../db/queries/members';
import type { MemberHistory, MemberView } from '../../src-common/calls/members';
import { PosError } from '../../src-common/errors';
import { maskPhone } from '../../src-common/mask';
import { MEMBER_QR_PREFIX, isMainlandMobile } from '../../src-common/member-code';
import type { Redemption } from '../../src-common/member-points';
import type { Session } from '../../src-common/roles';
import type { MemberPointsSetting } from '../../src-common/schemas';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import { formatReceiptNumber } from './receipt-number';
import type { SettingsService } from './settings';

/** What the sales service asks of members: the cart's member, the rules, and the points of a completing sale. */
export interface SaleMembers {
  /** The member as the cart shows them (phone masked), or null when unknown or anonymised. */
  cartMember(memberId: string): { memberId: string; maskedPhone: string; name: string | null; balance: number } | null;
  rule(): MemberPointsSetting;
  /**
   * Inside the sale's completion transaction: debits the redeemed points, credits the earned ones, and records the
   * member on the sale. Refused when the member no longer holds the points (another sale spent them meanwhile).
   */
  settle(input: {
    saleId: string;
    memberId: string;
    redemption: (Redemption & { mode: 'tender' | 'discount' }) | null;
    earned: number;
    businessDate: string;
    at: string;
    userId: string | null;
  }): void;
}

export interface MembersService extends SaleMembers {
  /** A member by the phone typed in full, or by the text of their member QR (JZM1:…). */
  find(input: { phone: string } | { qr: string }): MemberView | null;
  create(input: { phone: string; name: string | null }, session: Session): MemberView;
  search(query: string, limit: number, offset: number): MemberView[];
  history(memberId: string): MemberHistory;
  anonymise(memberId: string, session: Session): MemberView;
}

export function createMembersService(deps: { db: Database; clock: Clock; audit: AuditService; settings: SettingsService; terminalId: string }): MembersService {
  const { db, clock, audit, settings, terminalId } = deps;

  const viewOf = (m: MemberWithBalance): MemberView => ({
    memberId: m.id,
    maskedPhone: m.phone === null ? null : maskPhone(m.phone),
    name: m.name,
    qr: `${MEMBER_QR_PREFIX}${m.code}`,
    balance: m.balance,
    createdAt: m.created_at,
    anonymised: m.anonymised_at !== null,
  });

  function existing(memberId: string): MemberWithBalance {
    const m = findMember(db, memberId);
    if (!m) throw new PosError('not_found', 'No such member', { memberId });
    return m;
  }

  return {
    cartMember(memberId) {
      const m = findMember(db, memberId);
      if (!m || m.phone === null) return null;
      return { memberId: m.id, maskedPhone: maskPhone(m.phone), name: m.name, balance: m.balance };
    },

    rule: () => settings.get().memberPoints,

    settle({ saleId, memberId, redemption, earned, businessDate, at, userId }) {
      const m = existing(memberId);
      if (redemption) {
        if (m.balance < redemption.points) {
          throw new PosError('conflict', 'The member no longer holds the points this sale redeems', { reason: 'points_changed', balance: m.balance, points: redemption.points });
        }
        insertPoints(db, { id: `${saleId}:redeem`, memberId, reason: 'redeem', delta: -redemption.points, amount: redemption.amount, redeemedAs: redemption.mode, saleId, businessDate, at, userId });
      }
      if (earned > 0) insertPoints(db, { id: `${saleId}:earn`, memberId, reason: 'earn', delta: earned, amount: 0, redeemedAs: null, saleId, businessDate, at, userId });
      setSaleMember(db, saleId, memberId);
    },

    find(input) {
      if ('phone' in input) {
        if (!isMainlandMobile(input.phone)) throw new PosError('validation_failed', 'Not a mainland mobile number', { reason: 'phone_format' });
        const m = findMemberByPhone(db, input.phone);
        return m ? viewOf(m) : null;
      }
      const code = input.qr.startsWith(MEMBER_QR_PREFIX) ? input.qr.slice(MEMBER_QR_PREFIX.length) : null;
      if (!code) throw new PosError('validation_failed', 'Not a member QR', { reason: 'not_member_qr' });
      const m = findMemberByCode(db, code);
      return m && m.anonymised_at === null ? viewOf(m) : null;
    },

    create({ phone, name }, session) {
      if (!isMainlandMobile(phone)) throw new PosError('validation_failed', 'Not a mainland mobile number', { reason: 'phone_format' });
      if (findMemberByPhone(db, phone)) throw new PosError('conflict', 'A member has this phone number already', { reason: 'phone_taken' });
      const id = newId();
      // 16 random characters: the QR says nothing about the person and cannot be guessed from the phone.
      const code = randomBytes(12).toString('base64url');
      insertMember(db, { id, phone, name, code, at: clock.now().toISOString(), userId: session.caller.userId });
      return viewOf(existing(id));
    },

    search(query, limit, offset) {
      const q = query.trim();
      const digits = /^\d{1,11}$/.test(q) ? q : null;
      return searchMembers(db, { digits, text: digits === null && q !== '' ? q : null, limit, offset }).map(viewOf);
    },

    history(memberId) {
      const m = existing(memberId);
      return {
        member: viewOf(m),
        points: memberLedger(db, memberId, 200).map((p) => ({
          entryId: p.id,
          reason: p.reason,
          delta: p.delta,
          amount: p.amount,
          uncollected: p.uncollected,
          saleId: p.sale_id,
          receiptNumber: p.receipt_no === null ? null : formatReceiptNumber(terminalId, p.receipt_no),
          at: p.at,
        })),
        sales: memberSales(db, memberId, 200).map((s) => ({ saleId: s.id, receiptNumber: formatReceiptNumber(terminalId, s.receipt_no), closedAt: s.closed_at, total: s.total })),
      };
    },

    anonymise(memberId, session) {
      existing(memberId);
      const at = clock.now().toISOString();
      db.transaction(() => {
        if (!anonymiseMember(db, memberId, at)) throw new PosError('conflict', 'This member was anonymised already', { memberId });
        audit.record({ actor: session.caller, action: 'members.anonymise', subject: memberId, details: {} });
      })();
      return viewOf(existing(memberId));
    },
  };
}
