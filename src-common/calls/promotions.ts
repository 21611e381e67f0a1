/** Promotions and member prices (issue 16): the owner's editor at the till. The engine is src-common/promotions.ts. */
import { z } from 'zod';
import { Id, PositiveMinor } from '../schemas';
import { call, Managers, type CallSpec } from './spec';

const NonNegativeMinor = z.number().int().min(0).max(1_000_000_000_00);
const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const NthDiscount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent_off'), basisPoints: z.number().int().min(1).max(10000) }).strict(),
  z.object({ kind: z.literal('price'), price: NonNegativeMinor }).strict(),
]);

/** A rule the owner can write (a member price is a product's column: promotions.setMemberPrice). */
export const PromotionRuleInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('special'), productId: Id, price: NonNegativeMinor }).strict(),
  z.object({ kind: z.literal('nth_item'), productId: Id, nth: z.number().int().min(2).max(99), discount: NthDiscount }).strict(),
  z.object({
    kind: z.literal('bundle'),
    items: z.array(z.object({ productId: Id, quantity: z.number().int().min(1).max(99) }).strict()).min(2).max(10),
    price: NonNegativeMinor,
  }).strict(),
  z.object({ kind: z.literal('spend_save'), threshold: PositiveMinor, saving: PositiveMinor, repeating: z.boolean(), categoryId: Id.nullable() }).strict(),
]);
export type PromotionRuleInput = z.infer<typeof PromotionRuleInput>;

export const PromotionView = z.object({
  id: Id,
  name: z.string(),
  active: z.boolean(),
  startDate: BusinessDate.nullable(),
  endDate: BusinessDate.nullable(),
  rule: PromotionRuleInput,
  /** The names of the products its rule names, for the editor's list. */
  products: z.array(z.object({ id: Id, name: z.string() })),
  /** In force today (active, within its dates). */
  inForce: z.boolean(),
  updatedAt: z.string(),
});
export type PromotionView = z.infer<typeof PromotionView>;

export const PromotionInput = z
  .object({
    /** Absent: a new promotion. */
    id: Id.optional(),
    name: z.string().trim().min(1).max(40),
    active: z.boolean(),
    startDate: BusinessDate.nullable(),
    endDate: BusinessDate.nullable(),
    rule: PromotionRuleInput,
  })
  .strict()
  .refine((p) => p.startDate === null || p.endDate === null || p.startDate <= p.endDate, { message: 'The end date is before the start date', path: ['endDate'] });
export type PromotionInput = z.infer<typeof PromotionInput>;

export const MemberPriceView = z.object({ productId: Id, sku: z.string(), name: z.string(), price: NonNegativeMinor, memberPrice: NonNegativeMinor });

export const promotionsCalls = {
  'promotions.list': call({ input: () => z.object({}).strict(), output: () => z.array(PromotionView), access: Managers, summary: 'Every promotion, newest first, with whether it is in force today' }),
  'promotions.save': call({ input: () => PromotionInput, output: () => PromotionView, access: Managers, summary: 'Create a promotion, or change one (its id given)' }),
  'promotions.end': call({ input: () => z.object({ id: Id }).strict(), output: () => PromotionView, access: Managers, summary: 'End a promotion now: inactive, kept for the sales that had it' }),
  'promotions.memberPrices': call({ input: () => z.object({}).strict(), output: () => z.array(MemberPriceView), access: Managers, summary: 'The products with a member price' }),
  'promotions.setMemberPrice': call({
    input: () => z.object({ productId: Id, memberPrice: NonNegativeMinor.nullable() }).strict(),
    output: () => z.array(MemberPriceView),
    access: Managers,
    summary: "Set or clear a product's member price (applied when a member is attached to the sale)",
  }),
} as const satisfies Record<string, CallSpec>;
