import { events, type EventName, type EventPayload } from '../src-common/contract';

export type EventListener = (name: EventName, payload: unknown) => void;

/** Events from services to every connected UI; payloads are checked against the contract as they leave. */
export interface EventBus {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(name, payload) {
      const checked = events[name].parse(payload);
      for (const listener of listeners) {
        try {
          listener(name, checked);
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
