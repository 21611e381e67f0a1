import type { promotionsCalls } from '../../src-common/calls/promotions';
import type { HandlerMap } from '../dispatch';
import type { PromotionsService } from '../services/promotions';

/** Promotions and member prices (issue 16): the owner's editor. */
export function promotionsHandlers(promotions: PromotionsService): HandlerMap<typeof promotionsCalls> {
  return {
    'promotions.list': () => promotions.list(),
    'promotions.save': (input, session) => promotions.save(input, session),
    'promotions.end': ({ id }, session) => promotions.end(id, session),
    'promotions.memberPrices': () => promotions.memberPrices(),
    'promotions.setMemberPrice': ({ productId, memberPrice }, session) => promotions.setMemberPrice(productId, memberPrice, session),
  };
}
