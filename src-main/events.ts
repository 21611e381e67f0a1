import { events, type EventName, type EventPayload } from '../src-common/contract';
import type { Session } from '../src-common/roles';

/** Which connections an event is for (besides the contract's role rule): by default every one. */
export type Audience = (session: Session) => boolean;
export type EventListener = (name: EventName, payload: unknown, audience?: Audience) => void;

/** Events from services to every connected UI; payloads are checked against the contract as they leave. */
export interface EventBus {
  emit<K extends EventName>(name: K, payload: EventPayload<K>, audience?: Audience): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(name, payload, audience) {
      const checked = events[name].parse(payload);
      for (const listener of listeners) {
        try {
          listener(name, checked, audience);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
