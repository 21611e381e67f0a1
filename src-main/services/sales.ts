import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { mergeTarget, type CartLineState, type CartState } from '../../src-common/cart';
import { createCartStates } from './cart-states';
import { BarcodeError, parseWeighedBarcode, validateRetailBarcode, type WeighedLayout } from '../../src-common/barcode';
import { businessDayRuleOf } from '../../src-common/business-day';
import { PosError } from '../../src-common/errors';
import { cashRoundingFor } from '../../src-common/cash-rounding';
import { currencyExponent, divideRounded } from '../../src-common/money';
import { cashDue, priceCart, PricingError, settle, TenderError } from '../../src-common/pricing';
import { applyPromotions, type PromotionResult } from '../../src-common/promotions';
import type { ReceiptDocument } from '../../src-common/receipt';
import type { Session } from '../../src-common/roles';
import { surfaceOfCaller, type Surface } from '../../src-common/surface';
import type { Cart, CompletedSale, Discount, Product, TenderKind } from '../../src-common/schemas';
import {
  appendSaleEvent,
  findCompletedSaleByReceiptNo,
  findCompletedSaleByReceiptToken,
  findOpenSale,
  findSale,
  insertSale,
  listSuspendedSales,
  markVoided,
  saleEvents,
  setSaleStatus,
  takeReceiptNumber,
  writeCompletedSale,
  giveReceiptToken,
  type SaleEventType,
} from '../../db/queries/sales';
import { adjustStock } from '../../db/queries/catalog';
import { insertSaleLinePromotions } from '../../db/queries/promotions';
import { latestPaymentForSale, paidPaymentsOfSale, partReversalFailure, partReversalPending, type PaymentRow } from '../../db/queries/payments';
import { PartAmountError, stillDue } from '../../src-common/split-payment';
import { isFinal, type PaymentStatus } from '../../src-common/payment-state';
import type { Clock } from '../clock';
import type { DomainEventBus } from '../domain-events';
import type { Logger } from '../log';
import type { AuthService } from './auth';
import type { CatalogService } from './catalog';
import { openBusinessDate } from './business-date';
import { formatReceiptNumber } from './receipt-number';
import { buildReceipt } from './receipts';
import type { SaleGuards } from './sale-guards';
import type { PromotionsService } from './promotions';
import type { SettingsService } from './settings';
import type { SaleMembers } from './members';
import { amountToPay, redemptionFor, pointsEarned, type Redemption } from '../../src-common/member-points';

/**
 * Sales of the terminal's selling surfaces: a session sells on its own surface (a kiosk session on the kiosk's,
 * staff on the till's), each with its own open sale; nothing here can act on another surface's sale.
 */
export interface SalesService {
  /** The open sale of a surface (the till's unless said). */
  current(surface?: Surface): Cart | null;
  /** `oversellApprovedBy`: the owner who approved a line beyond the stock (./sale-guards.ts), when one was asked. */
  scan(code: string, session: Session, oversellApprovedBy?: string): Cart;
  addProduct(productId: string, quantityMilli: number | undefined, session: Session, oversellApprovedBy?: string): Cart;
  /** Adds a product sold by weight with its weight in grams (from the scale or typed): its quantityMilli. */
  addWeighed(productId: string, grams: number, session: Session, oversellApprovedBy?: string): Cart;
  setQuantity(lineId: string, quantityMilli: number, session: Session, oversellApprovedBy?: string): Cart;
  removeLine(lineId: string, session: Session): Cart;
  setLineDiscount(lineId: string, discount: Discount | null, approval: Approval | undefined, session: Session): Promise<Cart>;
  setOrderDiscount(discount: Discount | null, approval: Approval | undefined, session: Session): Promise<Cart>;
  suspend(session: Session): void;
  listSuspended(): { saleId: string; suspendedAt: string; lines: number; total: number }[];
  resume(saleId: string, session: Session): Cart;
  /** Voids the open sale of the session's surface, or of the one named (staff taking over the kiosk's order). */
  voidSale(reason: string, session: Session, surface?: Surface): void;
  complete(tenders: readonly { kind: TenderKind; amount: number }[], session: Session): CompletedSale;
  /**
   * Closes the open sale once its paid wallet parts (the payments engine saw each PAID) cover the amount to pay: one
   * tender per part. Throws PosError `conflict` when the sale is not open or the parts do not match its amount.
   */
  completeWithWallets(input: { saleId: string; userId: string | null }): CompletedSale;
  /** A completed sale of this terminal by its printed receipt number ("M6C8-000012", "000012" or "12"). */
  findByReceiptNumber(text: string): { saleId: string; receiptNumber: string; total: number; closedAt: string };
  /** A completed sale of this terminal by its e-receipt token (the URL printed as its QR). */
  findByReceiptToken(token: string): { saleId: string; receiptNumber: string; total: number; closedAt: string };
  receipt(saleId: string): ReceiptDocument;
  /** Attaches a member to the open sale (opening one when there is none), or takes them off. */
  setMember(memberId: string | null, session: Session): Cart;
  /** The attached member's points to redeem on the open sale (0: none); whole steps, within the balance and the cap. */
  redeemPoints(points: number, session: Session): Cart;
}

type Approval = { userId: string; pin: string };

export interface SalesDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  bus: DomainEventBus;
  catalog: CatalogService;
  auth: AuthService;
  settings: SettingsService;
  terminalId: string;
  weighedLayout: WeighedLayout;
  /** Members and points (issue 16); without it a sale takes no member. */
  members?: SaleMembers;
  /** The shift gate and the oversell check; none: neither (unit tests of the sales logic alone). */
  guards?: SaleGuards;
  /** Promotions and member prices (cached in main); none when absent. */
  promotions?: Pick<PromotionsService, 'forPricing' | 'businessDate'>;
}


/** What a completed line keeps of its promotions: its own, and its share of the order's 满减. */
function promotionsKept(line: Cart['lines'][number], cart: Cart) {
  return cart.spendSave && line.orderPromotionSaving > 0 ? [...line.promotions, { ...cart.spendSave, saving: line.orderPromotionSaving }] : line.promotions;
}

export function createSalesService(deps: SalesDeps): SalesService {
  const { db, clock, log, bus, catalog, auth, settings, terminalId, weighedLayout, members, promotions } = deps;

  const carts = createCartStates(db);
  const stateOf = (saleId: string): CartState => carts.of(saleId);

  /** Points asked for since the member was last set (a new member starts with none). */
  function pointsAsked(saleId: string): number {
    let asked = 0;
    for (const e of saleEvents(db, saleId)) {
      if (e.type === 'member_set') asked = 0;
      else if (e.type === 'points_redeemed') asked = (JSON.parse(e.data) as { points: number }).points;
    }
    return asked;
  }

  function promotionsOf(state: CartState): PromotionResult {
    const lines = state.lines.map((l) => ({
      lineId: l.lineId,
      productId: l.productId,
      categoryId: l.categoryId ?? null,
      unit: l.unit,
      unitPrice: l.unitPrice,
      quantityMilli: l.quantityMilli,
      ...(l.fixedGross !== undefined ? { fixedGross: l.fixedGross } : {}),
    }));
    const list = promotions?.forPricing() ?? [];
    if (list.length === 0) return applyPromotions(lines, [], { businessDate: '', memberAttached: false });
    return applyPromotions(lines, list, { businessDate: promotions!.businessDate(), memberAttached: state.memberId !== null });
  }

  function view(saleId: string, status: 'open' | 'suspended', state = stateOf(saleId)): Cart {
    const currency = settings.get().currency;
    const promoted = promotionsOf(state);
    const price = (orderDiscount: Discount | undefined) => {
      try {
        return priceCart(
          state.lines.map((l, i) => ({
            lineId: l.lineId,
            unitPrice: l.unitPrice,
            quantityMilli: l.quantityMilli,
            taxRateBp: l.taxRateBp,
            ...(l.fixedGross !== undefined ? { fixedGross: l.fixedGross } : {}),
            ...(l.discount ? { discount: l.discount } : {}),
            promotionSaving: promoted.lines[i]!.lineSaving,
            orderPromotionSaving: promoted.lines[i]!.orderSaving,
          })),
          orderDiscount,
        );
      } catch (error) {
        if (error instanceof PricingError) throw new PosError('validation_failed', error.message);
        throw error;
      }
    };
    let priced = price(state.orderDiscount ?? undefined);
    const member = state.memberId !== null && members ? members.cartMember(state.memberId) : null;
    const rule = members?.rule();
    const asked = member ? pointsAsked(saleId) : 0;
    const redemption: Redemption | null = member && rule && asked > 0 ? redemptionFor(asked, member.balance, priced.total, rule) : null;
    // Points as an order discount come after the cashier's order discount, on what is left of the total.
    if (redemption && rule?.redeemAs === 'discount') priced = price({ kind: 'amount', amount: priced.orderDiscount + redemption.amount });
    const points = redemption && rule ? { mode: rule.redeemAs, ...redemption } : null;
    const parts = status === 'open' ? paidPaymentsOfSale(db, saleId) : [];
    const due = dueAfterParts(amountToPay({ total: priced.total, points }), parts);
    const cash = cashDue(due, cashRoundingFor(settings.get().cashRounding, currency));
    const short = deps.guards?.shortOf(state.lines) ?? new Map<string, number>();
    return {
      saleId,
      status,
      currency,
      lines: state.lines.map((l, i) => {
        const p = priced.lines[i]!;
        return {
          lineId: l.lineId,
          productId: l.productId,
          sku: l.sku,
          name: l.name,
          nameEn: l.nameEn,
          unit: l.unit,
          quantityMilli: l.quantityMilli,
          unitPrice: l.unitPrice,
          weighed: l.weighed,
          discount: l.discount,
          gross: p.gross,
          promotions: promoted.lines[i]!.applied,
          promotionSaving: p.promotionSaving,
          orderPromotionSaving: p.orderPromotionSaving,
          lineDiscount: p.lineDiscount,
          orderDiscount: p.orderDiscount,
          net: p.net,
          taxRateBp: l.taxRateBp,
          ...(short.has(l.productId) ? { stockShort: { levelMilli: short.get(l.productId)! } } : {}),
        };
      }),
      lastLineId: state.lastLineId,
      orderDiscountSpec: state.orderDiscount,
      subtotal: priced.subtotal,
      promotionTotal: priced.promotionTotal,
      spendSave: promoted.spendSave,
      lineDiscountTotal: priced.lineDiscountTotal,
      orderDiscount: priced.orderDiscount,
      total: priced.total,
      taxes: priced.taxes,
      taxTotal: priced.taxTotal,
      cashDue: cash.due,
      cashRounding: cash.rounding,
      member,
      points,
      paidParts: parts.map((p) => {
        // Recorded by the reversal job as it ends, told before the runner marks that job failed: not going back any more.
        const failed = partReversalFailure(db, p.id);
        return {
          paymentId: p.id,
          wallet: p.wallet,
          maskedCode: p.masked_code,
          amount: p.amount,
          ...(!failed && partReversalPending(db, p.id) ? { reversing: true } : {}),
          ...(failed ? { reversalFailed: failed } : {}),
        };
      }),
      stillDue: due,
    };
  }

  /** What is left to pay after the paid parts; a sale whose parts pay more than it asks (never made so) shows 0. */
  function dueAfterParts(toPay: number, parts: readonly PaymentRow[]): number {
    try {
      return stillDue(toPay, parts);
    } catch (error) {
      if (error instanceof PartAmountError && error.reason === 'overpaid') return 0;
      throw error;
    }
  }

  const openSale = (surface: Surface) => findOpenSale(db, terminalId, surface);
  const surfaceOf = (session: Session) => surfaceOfCaller(session.caller);
  const receiptOf = (saleId: string) => buildReceipt(db, { saleId, terminalId, settings: settings.get() });

  function requireOpen(surface: Surface): string {
    const sale = openSale(surface);
    if (!sale) throw new PosError('conflict', 'There is no open sale');
    return sale.id;
  }

  /**
   * A sale does not change, park, void or take another tender while a wallet payment for it is in flight, nor once
   * its paid parts cover it and its completion is pending (a full disk): the customer's money would be left without
   * its sale. A sale with some parts paid and more due is frozen too (the parts were paid for this amount: no line,
   * discount or park, and no void until the parts are reversed); only its completion by cash for the rest
   * (`allowPaidParts`) goes on. Read from the payment rows, not asked of the payments engine.
   */
  function assertUnlocked(saleId: string | undefined, options: { allowPaidParts?: boolean } = {}) {
    if (!saleId) return;
    const payment = latestPaymentForSale(db, saleId);
    if (payment && !isFinal(payment.status as PaymentStatus)) {
      throw new PosError('conflict', 'A wallet payment for this sale is in progress', { reason: 'payment_in_progress', paymentId: payment.id });
    }
    const parts = paidPaymentsOfSale(db, saleId);
    if (parts.length === 0) return;
    // A part on its way back to the customer is no tender of this sale any more, nor yet out of it: wait for it.
    const reversing = parts.find((p) => partReversalPending(db, p.id));
    if (reversing) {
      throw new PosError('conflict', 'The paid parts of this sale are being given back: wait until they are', { reason: 'reversing_parts', paymentId: reversing.id });
    }
    const due = dueAfterParts(amountToPay(view(saleId, 'open')), parts);
    if (due === 0) {
      throw new PosError('conflict', 'This sale is paid by wallet; its completion is pending', { reason: 'sale_completion_pending', paymentId: parts.at(-1)!.id });
    }
    if (!options.allowPaidParts) {
      throw new PosError('conflict', 'Part of this sale is paid by wallet: take the rest, or reverse the paid parts first', {
        reason: 'paid_parts',
        paid: parts.reduce((sum, p) => sum + p.amount, 0),
        stillDue: due,
      });
    }
  }

  /** Appends one fact to the open sale (opening a sale first when needed), checks it prices, and publishes the cart. */

  function record(session: Session, type: SaleEventType, data: unknown, options: { openIfNone?: boolean } = {}): Cart {
    const surface = surfaceOf(session);
    assertUnlocked(openSale(surface)?.id);
    const at = clock.now().toISOString();
    const userId = session.caller.userId;
    const cart = db.transaction(() => {
      let saleId = openSale(surface)?.id;
      if (!saleId) {
        if (!options.openIfNone) throw new PosError('conflict', 'There is no open sale');
        saleId = newId();
        insertSale(db, { id: saleId, terminalId, surface, currency: settings.get().currency, at, userId });
        appendSaleEvent(db, saleId, 'opened', {}, at, userId);
      }
      appendSaleEvent(db, saleId, type, data, at, userId);
      // Pricing the new state inside the transaction: a fact that cannot be priced is rolled back.
      return view(saleId, 'open');
    })();
    bus.publish('sale.changed', { surface, cart });
    return cart;
  }

  /** The stock check of a line added or raised (./sale-guards.ts): who approved it beyond the stock, if anyone. */
  function checkStock(productId: string, state: CartState | null, quantityMilli: number, session: Session, approvedBy: string | undefined, replacing?: string) {
    const others = (state?.lines ?? []).filter((l) => l.productId === productId && l.lineId !== replacing).reduce((sum, l) => sum + l.quantityMilli, 0);
    const approver = deps.guards?.checkStock({ productId, cartMilli: others + quantityMilli, surface: surfaceOf(session), session, approvedBy });
    return approver ? { oversellApprovedBy: approver } : {};
  }

  function addLine(product: Product, session: Session, line: { quantityMilli: number; fixedGross?: number; weighed: boolean }, approvedBy?: string): Cart {
    if (!product.active) throw new PosError('conflict', `${product.name} is not for sale (inactive)`, { productId: product.id });
    const open = openSale(surfaceOf(session));
    const state = open ? stateOf(open.id) : null;
    if (!open) deps.guards?.beforeOpen(surfaceOf(session));
    if (state && !line.weighed) {
      const target = mergeTarget(state, product.id);
      if (target) {
        const quantityMilli = target.quantityMilli + line.quantityMilli;
        const approved = checkStock(product.id, state, quantityMilli, session, approvedBy, target.lineId);
        return record(session, 'quantity_set', { lineId: target.lineId, quantityMilli, ...approved });
      }
    }
    const approved = checkStock(product.id, state, line.quantityMilli, session, approvedBy);
    const added: Omit<CartLineState, 'discount'> = {
      lineId: newId(),
      productId: product.id,
      sku: product.sku,
      name: product.name,
      nameEn: product.nameEn,
      unit: product.unit,
      unitPrice: product.price,
      quantityMilli: line.quantityMilli,
      taxRateBp: product.taxRateBp,
      categoryId: product.categoryId,
      weighed: line.weighed,
      ...(line.fixedGross !== undefined ? { fixedGross: line.fixedGross } : {}),
    };
    return record(session, 'line_added', { ...added, ...approved }, { openIfNone: true });
  }

  /** A product sold by weight never goes in as 1 kg from a plain barcode, a SKU or a pick: it needs a weight. */
  function requireCountable(product: Product): void {
    if (product.unit === 'kg') throw new PosError('weight_required', `${product.name} is sold by weight: weigh it or type its weight`, { productId: product.id });
  }

  function lineOf(lineId: string, session: Session): CartLineState {
    const line = stateOf(requireOpen(surfaceOf(session))).lines.find((l) => l.lineId === lineId);
    if (!line) throw new PosError('not_found', 'No such line in the open sale', { lineId });
    return line;
  }

  async function checkDiscountAllowed(session: Session, discount: Discount | null, approval: Approval | undefined): Promise<string | undefined> {
    if (discount === null) return undefined;
    const role = session.caller.role;
    if (role === 'owner' || role === 'technician') return session.caller.userId ?? undefined;
    if (!approval) throw new PosError('forbidden', 'A discount needs an owner’s approval', { needsApproval: true });
    return (await auth.approve(approval, ['owner'])).id;
  }

  type TenderRow = { id: string; kind: string; amount: number; tendered: number; reference: string | null; paymentId: string | null };

  /** A paid wallet part as the sale's tender: its wallet, amount, masked code and payment. */
  const walletTenderOf = (p: PaymentRow): TenderRow => ({ id: newId(), kind: p.wallet ?? 'other', amount: p.amount, tendered: p.amount, reference: p.masked_code, paymentId: p.id });

  /** One durable transaction: receipt number, sale, lines, tenders, stock, day totals. */
  function closeSale(saleId: string, surface: Surface, cart: Cart, tenderRows: TenderRow[], rounding: number, change: number, userId: string | null): CompletedSale {
    const now = clock.now();
    const at = now.toISOString();
    const receiptNo = db.transaction(() => {
      const no = takeReceiptNumber(db, terminalId);
      const businessDate = openBusinessDate(db, terminalId, now, businessDayRuleOf(settings.get()));
      writeCompletedSale(db, {
        id: saleId,
        at,
        userId,
        receiptNo: no,
        businessDate,
        subtotal: cart.subtotal,
        discountTotal: cart.promotionTotal + cart.lineDiscountTotal + cart.orderDiscount,
        total: cart.total,
        rounding,
        taxTotal: cart.taxTotal,
        change,
        lines: cart.lines.map((l) => ({ ...l })),
        taxes: cart.taxes,
        tenders: tenderRows,
      });
      giveReceiptToken(db, saleId);
      insertSaleLinePromotions(db, saleId, cart.lines.map((l, i) => ({ lineNo: i + 1, applied: promotionsKept(l, cart) })));
      for (const line of cart.lines) {
        adjustStock(db, { productId: line.productId, deltaMilli: -line.quantityMilli, reason: 'sale', ref: saleId, at });
      }
      if (cart.member && members) {
        // Earned on what the customer paid after discounts, not on the part the points paid.
        const earned = pointsEarned(amountToPay(cart), members.rule(), currencyExponent(cart.currency));
        const redemption = cart.points ?? null;
        members.settle({ saleId, memberId: cart.member.memberId, redemption, earned, businessDate, at, userId });
      }
      appendSaleEvent(db, saleId, 'completed', { receiptNo: no }, at, userId);
      return no;
    })();
    const receiptNumber = formatReceiptNumber(terminalId, receiptNo);
    log.info({ saleId, receiptNumber, total: cart.total, tenders: tenderRows.map((t) => t.kind) }, 'sale completed');
    bus.publish('sale.changed', { surface, cart: null });
    bus.publish('sale.completed', { surface, saleId, receiptNumber, total: cart.total, change });
    return { saleId, receiptNo, receiptNumber, total: cart.total, change, receipt: receiptOf(saleId) };
  }

  return {
    current(surface = 'till') {
      const sale = openSale(surface);
      return sale ? view(sale.id, 'open') : null;
    },

    scan(raw, session, approvedBy) {
      const code = raw.trim();
      if (!/^[\x21-\x7e]+$/.test(code)) throw new PosError('validation_failed', 'Not a barcode', { code: code.slice(0, 64) });
      if (/^\d+$/.test(code)) {
        let weighed;
        try {
          weighed = parseWeighedBarcode(code, weighedLayout, currencyExponent(settings.get().currency));
        } catch (error) {
          if (error instanceof BarcodeError) {
            throw new PosError('validation_failed', 'The scale label cannot be read: scan it again', { code, reason: error.reason });
          }
          throw error;
        }
        if (weighed) {
          const product = catalog.lookupPlu(weighed.plu);
          if (!product) throw new PosError('not_found', `No product has PLU ${weighed.plu}`, { code, plu: weighed.plu });
          if (weighed.price !== undefined) {
            // The scale printed the price: quantity is shown for the receipt, the price is what it costs.
            const quantityMilli = product.price > 0 ? Math.max(1, divideRounded(weighed.price * 1000, product.price, 'half-up')) : 1000;
            return addLine(product, session, { quantityMilli, fixedGross: weighed.price, weighed: true }, approvedBy);
          }
          return addLine(product, session, { quantityMilli: Math.max(1, weighed.weightGrams ?? 0), weighed: true }, approvedBy);
        }
        const check = validateRetailBarcode(code);
        if (!check.ok && check.reason === 'bad_check_digit') {
          throw new PosError('validation_failed', 'The barcode’s check digit is wrong: scan it again', { code, reason: check.reason });
        }
      }
      const product = catalog.lookupBarcode(code) ?? catalog.lookupSku(code);
      if (!product) throw new PosError('not_found', `Unknown barcode ${code}`, { code });
      requireCountable(product);
      return addLine(product, session, { quantityMilli: 1000, weighed: false }, approvedBy);
    },

    addProduct(productId, quantityMilli, session, approvedBy) {
      const product = catalog.get(productId);
      if (!product) throw new PosError('not_found', 'No such product', { productId });
      requireCountable(product);
      return addLine(product, session, { quantityMilli: quantityMilli ?? 1000, weighed: false }, approvedBy);
    },

    addWeighed(productId, grams, session, approvedBy) {
      const product = catalog.get(productId);
      if (!product) throw new PosError('not_found', 'No such product', { productId });
      if (product.unit !== 'kg') throw new PosError('validation_failed', `${product.name} is sold by the piece, not by weight`, { productId, reason: 'not_weighed' });
      if (!Number.isSafeInteger(grams) || grams <= 0) throw new PosError('validation_failed', 'A weight must be more than 0 g', { productId, reason: 'bad_weight' });
      return addLine(product, session, { quantityMilli: grams, weighed: true }, approvedBy);
    },

    setQuantity(lineId, quantityMilli, session, approvedBy) {
      const line = lineOf(lineId, session);
      if (line.weighed) throw new PosError('conflict', 'A weighed item’s quantity comes from the scale label', { lineId });
      if (line.unit === 'each' && quantityMilli % 1000 !== 0) throw new PosError('validation_failed', 'Items sold by the piece take whole quantities');
      // Only a raise is checked against the stock: lowering a line never needs an approval.
      const approved = quantityMilli > line.quantityMilli ? checkStock(line.productId, stateOf(requireOpen(surfaceOf(session))), quantityMilli, session, approvedBy, lineId) : {};
      return record(session, 'quantity_set', { lineId, quantityMilli, ...approved });
    },

    removeLine(lineId, session) {
      lineOf(lineId, session);
      return record(session, 'line_removed', { lineId });
    },

    async setLineDiscount(lineId, discount, approval, session) {
      lineOf(lineId, session);
      // Refused before an owner is asked for a PIN: a locked sale takes no discount whoever approves it.
      assertUnlocked(requireOpen(surfaceOf(session)));
      const approvedBy = await checkDiscountAllowed(session, discount, approval);
      return record(session, 'line_discount_set', { lineId, discount, ...(approvedBy ? { approvedBy } : {}) });
    },

    async setOrderDiscount(discount, approval, session) {
      assertUnlocked(requireOpen(surfaceOf(session)));
      const approvedBy = await checkDiscountAllowed(session, discount, approval);
      return record(session, 'order_discount_set', { discount, ...(approvedBy ? { approvedBy } : {}) });
    },

    suspend(session) {
      const surface = surfaceOf(session);
      const saleId = requireOpen(surface);
      assertUnlocked(saleId);
      if (stateOf(saleId).lines.length === 0) throw new PosError('conflict', 'An empty sale cannot be parked');
      const at = clock.now().toISOString();
      db.transaction(() => {
        appendSaleEvent(db, saleId, 'suspended', {}, at, session.caller.userId);
        setSaleStatus(db, saleId, 'suspended');
      })();
      bus.publish('sale.changed', { surface, cart: null });
    },

    listSuspended() {
      return listSuspendedSales(db, terminalId, 'till').map((sale) => {
        const events = saleEvents(db, sale.id);
        const cart = view(sale.id, 'suspended');
        const suspendedAt = [...events].reverse().find((e) => e.type === 'suspended')?.at ?? sale.opened_at;
        return { saleId: sale.id, suspendedAt, lines: cart.lines.length, total: cart.total };
      });
    },

    resume(saleId, session) {
      const sale = findSale(db, saleId);
      const surface = surfaceOf(session);
      if (!sale || sale.terminal_id !== terminalId || sale.surface !== surface || sale.status !== 'suspended') throw new PosError('not_found', 'No such parked sale', { saleId });
      if (openSale(surface)) throw new PosError('conflict', 'Finish or park the open sale first');
      const at = clock.now().toISOString();
      const cart = db.transaction(() => {
        appendSaleEvent(db, saleId, 'resumed', {}, at, session.caller.userId);
        setSaleStatus(db, saleId, 'open');
        return view(saleId, 'open');
      })();
      bus.publish('sale.changed', { surface, cart });
      return cart;
    },

    voidSale(reason, session, surface = surfaceOf(session)) {
      const saleId = requireOpen(surface);
      assertUnlocked(saleId);
      const now = clock.now();
      db.transaction(() => {
        appendSaleEvent(db, saleId, 'voided', { reason }, now.toISOString(), session.caller.userId);
        markVoided(db, saleId, now.toISOString(), session.caller.userId, reason, openBusinessDate(db, terminalId, now, businessDayRuleOf(settings.get())));
      })();
      log.info({ saleId, surface, userId: session.caller.userId }, 'sale voided');
      bus.publish('sale.changed', { surface, cart: null });
    },

    complete(tenders, session) {
      const surface = surfaceOf(session);
      const saleId = requireOpen(surface);
      assertUnlocked(saleId, { allowPaidParts: true });
      const cart = view(saleId, 'open');
      if (cart.lines.length === 0) throw new PosError('conflict', 'The sale has no items');
      // Wallet parts paid already are tenders of their own beside the cash; change comes only from cash.
      const parts = paidPaymentsOfSale(db, saleId);
      const wallet = tenders.find((t) => t.kind !== 'cash' && t.kind !== 'other');
      // A wallet tender exists only as a payment the acquirer confirmed (payment.payByCode / payByQr).
      if (wallet) throw new PosError('validation_failed', `${wallet.kind} is taken by scanning the customer's payment code, not as an amount`, { kind: wallet.kind });

      const rounding = cashRoundingFor(settings.get().cashRounding, cart.currency);
      let settlement;
      try {
        settlement = settle(
          amountToPay(cart),
          [...parts.map((p) => ({ kind: 'wallet' as const, amount: p.amount })), ...tenders.map((t) => ({ kind: t.kind === 'cash' ? ('cash' as const) : ('other' as const), amount: t.amount }))],
          rounding,
        );
      } catch (error) {
        if (error instanceof TenderError || error instanceof PricingError) throw new PosError('validation_failed', error.message);
        throw error;
      }
      if (!settlement.complete) {
        throw new PosError('validation_failed', 'The tenders do not cover the total', { remaining: settlement.remaining });
      }

      const userId = session.caller.userId;
      const cashTendered = settlement.cashTendered;
      const tenderRows = [
        ...parts.map(walletTenderOf),
        ...tenders
          .filter((t) => t.kind !== 'cash')
          .map((t) => ({ id: newId(), kind: t.kind, amount: t.amount, tendered: t.amount, reference: null, paymentId: null })),
        ...(cashTendered > 0
          ? [{ id: newId(), kind: 'cash', amount: cashTendered - settlement.change, tendered: cashTendered, reference: null, paymentId: null }]
          : []),
      ];
      return closeSale(saleId, surface, cart, tenderRows, settlement.cashRounding, settlement.change, userId);
    },

    completeWithWallets({ saleId, userId }) {
      const open = findSale(db, saleId);
      if (!open || open.terminal_id !== terminalId || open.status !== 'open') throw new PosError('conflict', 'The paid sale is no longer the open sale', { saleId });
      const cart = view(saleId, 'open');
      const parts = paidPaymentsOfSale(db, saleId);
      const paid = parts.reduce((sum, p) => sum + p.amount, 0);
      if (amountToPay(cart) !== paid) {
        throw new PosError('conflict', `The sale's amount to pay ${amountToPay(cart)} differs from its paid wallet parts ${paid}`, { saleId, paymentIds: parts.map((p) => p.id) });
      }
      return closeSale(saleId, open.surface, cart, parts.map(walletTenderOf), 0, 0, userId);
    },

    findByReceiptNumber(text) {
      const match = /^(?:([0-9A-Z]{4})-)?0*(\d{1,9})$/.exec(text.trim().toUpperCase());
      const prefix = terminalId.slice(-4);
      if (!match || (match[1] !== undefined && match[1] !== prefix)) {
        throw new PosError('validation_failed', `Not a receipt number of this terminal (${prefix}-000123)`, { reason: 'bad_receipt_number' });
      }
      const sale = findCompletedSaleByReceiptNo(db, terminalId, Number(match[2]));
      if (!sale || sale.receipt_no === null) throw new PosError('not_found', 'No completed sale with that receipt number', { receiptNumber: text });
      return { saleId: sale.id, receiptNumber: formatReceiptNumber(terminalId, sale.receipt_no), total: sale.total ?? 0, closedAt: sale.closed_at ?? sale.opened_at };
    },

    findByReceiptToken(token) {
      const sale = findCompletedSaleByReceiptToken(db, token);
      if (!sale || sale.receipt_no === null || sale.terminal_id !== terminalId) {
        throw new PosError('not_found', 'No completed sale of this terminal has that e-receipt', { reason: 'e_receipt_unknown' });
      }
      return { saleId: sale.id, receiptNumber: formatReceiptNumber(terminalId, sale.receipt_no), total: sale.total ?? 0, closedAt: sale.closed_at ?? sale.opened_at };
    },

    receipt: receiptOf,

    setMember(memberId, session) {
      if (surfaceOf(session) !== 'till') throw new PosError('forbidden', 'Members are taken at the till');
      if (memberId !== null && !members?.cartMember(memberId)) throw new PosError('not_found', 'No such member', { memberId });
      return record(session, 'member_set', { memberId }, { openIfNone: memberId !== null });
    },

    redeemPoints(points, session) {
      const saleId = requireOpen(surfaceOf(session));
      const state = stateOf(saleId);
      const member = state.memberId !== null && members ? members.cartMember(state.memberId) : null;
      if (!member || !members) throw new PosError('conflict', 'No member is attached to this sale', { reason: 'no_member' });
      if (points > 0) {
        const before = view(saleId, 'open', { ...state, memberId: null });
        const allowed = redemptionFor(points, member.balance, before.total, members.rule());
        if (!allowed || allowed.points !== points) {
          throw new PosError('validation_failed', 'These points cannot be redeemed on this sale', {
            reason: 'points_not_redeemable',
            max: redemptionFor(member.balance, member.balance, before.total, members.rule())?.points ?? 0,
            step: members.rule().redeemPoints,
          });
        }
      }
      return record(session, 'points_redeemed', { points });
    },
  };
}
