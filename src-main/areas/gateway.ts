import type { gatewayCalls } from '../../src-common/calls/gateway';
import { WALLETS } from '../../src-common/payment-code';
import type { PaymentGateway } from '../acquirer/gateway';
import type { PaymentRoutesService } from '../services/payment-routes';
import type { Area } from './context';

/** Payment providers and routing (issue 18): the technician sets them, the till asks what to offer. */
export function createGatewayArea(deps: { routes: PaymentRoutesService; gateway: PaymentGateway }): Area<typeof gatewayCalls> {
  return {
    handlers: {
      'gateway.status': () => deps.routes.status(),
      'gateway.setRoutes': ({ routes }, session) => deps.routes.setRoutes(routes, session),
      'gateway.setWechatV2': (settings, session) => deps.routes.setWechatV2(settings, session),
      'gateway.setAlipay': (settings, session) => deps.routes.setAlipay(settings, session),
      'gateway.setWechatV3': (settings, session) => deps.routes.setWechatV3(settings, session),
      'gateway.useBuiltInSandbox': ({ provider }, session) => deps.routes.useBuiltInSandbox(provider, session),
      'gateway.tillOptions': () => ({ merchantQr: WALLETS.filter((wallet) => deps.gateway.offers(wallet, 'merchantQr')) }),
    },
  };
}
