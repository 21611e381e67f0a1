/**
 * Domain events → UI events. Each surface's sale goes to that surface's screens only: a kiosk's cart never
 * lands on the cashier's screen, nor the till's on the kiosk. The customer display (a connection nobody signed
 * in on) follows the till only: the kiosk's customer has the kiosk's own screen.
 */
import type { Session } from '../../src-common/roles';
import type { Surface } from '../../src-common/surface';
import type { DomainEventBus } from '../domain-events';
import type { Audience, EventBus } from '../events';

export function screensOf(surface: Surface): Audience {
  return surface === 'kiosk'
    ? (session: Session) => session.caller.role === 'kiosk'
    : (session: Session) => session.caller.role !== 'kiosk';
}

export function connectUiBridge(bus: DomainEventBus, events: EventBus): () => void {
  const offs = [
    bus.on('sale.changed', ({ surface, cart }) => events.emit('sale.changed', cart, screensOf(surface))),
    bus.on('sale.paying', ({ surface, saleId, total }) => events.emit('sale.paying', { saleId, total }, screensOf(surface))),
    bus.on('sale.completed', ({ surface, ...sale }) => events.emit('sale.completed', sale, screensOf(surface))),
    bus.on('device.state', (status) => events.emit('device.status', status)),
  ];
  return () => offs.forEach((off) => off());
}
