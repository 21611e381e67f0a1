import type { CallInput, CallName, CallOutput, EventName, EventPayload } from './contract';
import type { Result } from './errors';

/** What a transport (Electron preload, WebSocket) must provide. Untyped on purpose: it only moves data. */
export interface PosTransport {
  invoke(call: string, input: unknown): Promise<Result<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed face of the API for the renderer and tests. Errors come back as data, never thrown. */
export interface PosClient {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<Result<CallOutput<K>>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

export function createPosClient(transport: PosTransport): PosClient {
  return {
    call: (name, input) => transport.invoke(name, input) as never,
    on: (name, listener) => transport.subscribe(name, listener as (payload: unknown) => void),
  };
}
