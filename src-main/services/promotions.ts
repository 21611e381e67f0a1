import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import {
  findPromotion,
  insertPromotion,
  listPromotions,
  memberPrices,
  setMemberPrice,
  updatePromotion,
  type PromotionRow,
} from '../../db/queries/promotions';
import { businessDateOf, businessDayRuleOf } from '../../src-common/business-day';
import { PromotionRuleInput, type PromotionInput, type PromotionView } from '../../src-common/calls/promotions';
import { PosError } from '../../src-common/errors';
import { isInForce, type Promotion } from '../../src-common/promotions';
import type { Session } from '../../src-common/roles';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import type { CatalogService } from './catalog';
import type { SettingsService } from './settings';

/** The name a member price carries on receipts and reports (one promotion per product, id `member:<productId>`). */
export const MEMBER_PRICE_NAME = '会员价';

export interface PromotionsService {
  list(): PromotionView[];
  save(input: PromotionInput, session: Session): PromotionView;
  end(id: string, session: Session): PromotionView;
  memberPrices(): ReturnType<typeof memberPrices>;
  setMemberPrice(productId: string, memberPrice: number | null, session: Session): ReturnType<typeof memberPrices>;
  /**
   * Every promotion pricing may use (member prices included), read from SQLite once and kept until one changes:
   * the cart is priced at every scan, and this never reads the database then.
   */
  forPricing(): readonly Promotion[];
  /** Today's business date in the store's time zone, for the engine's date check. */
  businessDate(): string;
  /** Forgets what forPricing kept: the store's promotions or member prices came down (src-main/sync/pull.ts). */
  reload(): void;
}

export interface PromotionsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  settings: SettingsService;
  catalog: Pick<CatalogService, 'get'>;
}

function productIdsOf(rule: Promotion['rule']): string[] {
  return rule.kind === 'bundle' ? rule.items.map((i) => i.productId) : rule.kind === 'spend_save' ? [] : [rule.productId];
}

function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    name: row.name,
    active: row.active === 1,
    startDate: row.start_date,
    endDate: row.end_date,
    rule: PromotionRuleInput.parse(JSON.parse(row.rule)),
  };
}

export function createPromotionsService(deps: PromotionsDeps): PromotionsService {
  const { db, clock, audit, settings, catalog } = deps;
  let cache: readonly Promotion[] | null = null;

  const businessDate = () => businessDateOf(clock.now(), businessDayRuleOf(settings.get()));

  function view(row: PromotionRow): PromotionView {
    const promotion = toPromotion(row);
    return {
      id: row.id,
      name: row.name,
      active: promotion.active,
      startDate: row.start_date,
      endDate: row.end_date,
      rule: PromotionRuleInput.parse(promotion.rule),
      products: productIdsOf(promotion.rule).map((id) => ({ id, name: catalog.get(id)?.name ?? id })),
      inForce: isInForce(promotion, { businessDate: businessDate(), memberAttached: true }),
      updatedAt: row.updated_at,
    };
  }

  function checkProducts(input: PromotionInput) {
    for (const productId of productIdsOf(input.rule)) {
      if (!catalog.get(productId)) throw new PosError('not_found', 'No such product', { productId });
    }
  }

  return {
    list: () => listPromotions(db).map(view),

    save(input, session) {
      checkProducts(input);
      const at = clock.now().toISOString();
      const row = {
        id: input.id ?? newId(),
        name: input.name,
        kind: input.rule.kind,
        rule: JSON.stringify(input.rule),
        active: input.active ? 1 : 0,
        start_date: input.startDate,
        end_date: input.endDate,
        updated_at: at,
        updated_by: session.caller.userId,
      };
      db.transaction(() => {
        if (input.id === undefined) insertPromotion(db, { ...row, created_at: at });
        else if (updatePromotion(db, row) === 0) throw new PosError('not_found', 'No such promotion', { id: input.id });
        audit.record({ actor: session.caller, action: 'promotions.save', subject: row.id, details: { name: row.name, kind: row.kind } });
      })();
      cache = null;
      return view(findPromotion(db, row.id)!);
    },

    end(id, session) {
      const found = findPromotion(db, id);
      if (!found) throw new PosError('not_found', 'No such promotion', { id });
      const at = clock.now().toISOString();
      db.transaction(() => {
        updatePromotion(db, { ...found, active: 0, updated_at: at, updated_by: session.caller.userId });
        audit.record({ actor: session.caller, action: 'promotions.end', subject: id, details: { name: found.name } });
      })();
      cache = null;
      return view(findPromotion(db, id)!);
    },

    memberPrices: () => memberPrices(db),

    setMemberPrice(productId, memberPrice, session) {
      const product = catalog.get(productId);
      if (!product) throw new PosError('not_found', 'No such product', { productId });
      db.transaction(() => {
        setMemberPrice(db, productId, memberPrice, clock.now().toISOString());
        audit.record({ actor: session.caller, action: 'promotions.setMemberPrice', subject: productId, details: { name: product.name, amount: memberPrice } });
      })();
      cache = null;
      return memberPrices(db);
    },

    forPricing() {
      cache ??= [
        ...listPromotions(db).map(toPromotion),
        ...memberPrices(db).map(
          (m): Promotion => ({ id: `member:${m.productId}`, name: MEMBER_PRICE_NAME, active: true, startDate: null, endDate: null, rule: { kind: 'member_price', productId: m.productId, price: m.memberPrice } }),
        ),
      ];
      return cache;
    },

    businessDate,

    reload() {
      cache = null;
    },
  };
}
