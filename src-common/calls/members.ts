/** Members and points (issue 16): the cashier finds or makes a member and attaches them to the sale; the owner's panel. */
import { z } from 'zod';
import { MAINLAND_MOBILE, MEMBER_QR_PATTERN } from '../member-code';
import { Cart, Id, Minor } from '../schemas';
import { call, type CallSpec } from './spec';

const Tills = ['cashier', 'owner'] as const;
const Owner = ['owner'] as const;

const Phone = z.string().trim().regex(MAINLAND_MOBILE, 'phone_format');

/** A member as a screen shows them: the phone masked (138****5678), null once anonymised. */
export const MemberView = z.object({
  memberId: Id,
  maskedPhone: z.string().nullable(),
  name: z.string().nullable(),
  /** The text of the member's QR (JZM1:…), for the card the shop prints or shows. */
  qr: z.string(),
  balance: z.number().int(),
  createdAt: z.string(),
  anonymised: z.boolean(),
});
export type MemberView = z.infer<typeof MemberView>;

export const PointsEntry = z.object({
  entryId: Id,
  reason: z.enum(['earn', 'redeem', 'refund_earn', 'refund_redeem']),
  delta: z.number().int(),
  amount: Minor,
  uncollected: z.number().int(),
  saleId: Id,
  receiptNumber: z.string().nullable(),
  at: z.string(),
});

export const MemberHistory = z.object({
  member: MemberView,
  points: z.array(PointsEntry),
  sales: z.array(z.object({ saleId: Id, receiptNumber: z.string(), closedAt: z.string(), total: Minor })),
});
export type MemberHistory = z.infer<typeof MemberHistory>;

export const membersCalls = {
  'member.find': call({
    input: () => z.union([z.object({ phone: Phone }).strict(), z.object({ qr: z.string().trim().regex(MEMBER_QR_PATTERN, 'not_member_qr') }).strict()]),
    output: () => MemberView.nullable(),
    access: Tills,
    summary: 'A member by the phone number typed in full, or by their member QR',
  }),
  'member.create': call({
    input: () => z.object({ phone: Phone, name: z.string().trim().min(1).max(40).nullable() }).strict(),
    output: () => MemberView,
    access: Tills,
    summary: 'Make a member at the till (a mainland mobile number, once; a name if they give one)',
  }),
  'sale.setMember': call({
    input: () => z.object({ memberId: Id.nullable() }).strict(),
    output: () => Cart,
    access: Tills,
    summary: "Attach a member to the till's open sale (opening one if needed), or take them off (null)",
  }),
  'sale.redeemPoints': call({
    input: () => z.object({ points: z.number().int().min(0).max(100_000_000) }).strict(),
    output: () => Cart,
    access: Tills,
    summary: "Redeem the attached member's points on the open sale (0: none); debited when the sale completes",
  }),
  'member.search': call({
    input: () => z.object({ query: z.string().trim().max(40), limit: z.number().int().min(1).max(100).optional(), offset: z.number().int().min(0).optional() }).strict(),
    output: () => z.array(MemberView),
    access: Owner,
    summary: 'Members by the end of their phone number or a part of their name, newest first',
  }),
  'member.history': call({
    input: () => z.object({ memberId: Id }).strict(),
    output: () => MemberHistory,
    access: Owner,
    summary: "A member's points ledger and sales, newest first",
  }),
  'member.anonymise': call({
    input: () => z.object({ memberId: Id }).strict(),
    output: () => MemberView,
    access: Owner,
    summary: 'Delete a member’s personal data (phone, name); the ledger and sales stay without them (audited)',
  }),
} as const satisfies Record<string, CallSpec>;
