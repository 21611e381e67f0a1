import type { z } from 'zod';
import type { Cart, DeviceStatus, PaymentView } from '../src-common/schemas';
import type { Session } from '../src-common/roles';
import type { Surface } from '../src-common/surface';

/**
 * What happened in the core, for the core: services publish these; the UI bridge (UI events), device output
 * (receipt printer, customer display) and the scan router subscribe. Never sent to a screen as they are: a
 * scan's data may be a customer's payment code.
 */
export interface DomainEvents {
  /** A scanner delivered a code (a device), or a screen's keyboard-wedge detector did (typed into that screen). */
  'scan.received': { readonly deviceId: string; readonly data: string; readonly symbology: string; readonly from?: Session };
  /** A surface's open sale changed; null when it closed (completed, voided, parked). */
  'sale.changed': { readonly surface: Surface; readonly cart: Cart | null };
  /** A surface began taking payment: what the customer owes. */
  'sale.paying': { readonly surface: Surface; readonly saleId: string; readonly total: number };
  'sale.completed': { readonly surface: Surface; readonly saleId: string; readonly receiptNumber: string; readonly total: number; readonly change: number };
  /** A wallet payment moved (its code only masked in it). */
  'payment.changed': PaymentView;
  'device.state': z.infer<typeof DeviceStatus>;
}
export type DomainEventName = keyof DomainEvents;

type Handler<K extends DomainEventName> = (payload: DomainEvents[K]) => void;

export interface DomainEventBus {
  publish<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void;
  on<K extends DomainEventName>(name: K, handler: Handler<K>): () => void;
}

/** Synchronous delivery in subscription order; a failing subscriber is reported and never stops the others or the publisher. */
export function createDomainEventBus(onHandlerError: (error: unknown, name: DomainEventName) => void): DomainEventBus {
  const handlers = new Map<DomainEventName, Set<Handler<never>>>();
  return {
    publish(name, payload) {
      for (const handler of [...(handlers.get(name) ?? [])] as Handler<typeof name>[]) {
        try {
          handler(payload);
        } catch (error) {
          onHandlerError(error, name);
        }
      }
    },
    on(name, handler) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      set.add(handler as Handler<never>);
      return () => set.delete(handler as Handler<never>);
    },
  };
}
