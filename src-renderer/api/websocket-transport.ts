import type { PosTransport } from '../../src-common/client';
import type { Result } from '../../src-common/errors';

export type ConnectionState = 'connecting' | 'online' | 'offline';

interface Pending {
  resolve(result: Result<unknown>): void;
}

/**
 * The browser-mode transport: one WebSocket to the headless host, reconnecting by itself.
 * A call made while disconnected answers at once with `unavailable` instead of hanging the screen.
 */
export class WebSocketTransport implements PosTransport {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = 'connecting';
  private retryMs = 250;

  constructor(private readonly url: string) {
    this.connect();
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  invoke(call: string, input: unknown): Promise<Result<unknown>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return this.whenOpen(5000).then((open) =>
        open ? this.invoke(call, input) : { ok: false, error: { code: 'unavailable', message: 'Not connected to the terminal' } },
      );
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      socket.send(JSON.stringify({ id, call, input }));
    });
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private whenOpen(timeoutMs: number): Promise<boolean> {
    if (this.state === 'online') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onConnectionState((state) => {
        if (state !== 'online') return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setState('online');
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = () => {
      this.socket = null;
      for (const [id, call] of this.pending) {
        call.resolve({ ok: false, error: { code: 'unavailable', message: 'The connection to the terminal was lost' } });
        this.pending.delete(id);
      }
      this.setState('offline');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private receive(text: string): void {
    let message: { type?: string; id?: number; result?: Result<unknown>; name?: string; payload?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'result' && typeof message.id === 'number' && message.result) {
      this.pending.get(message.id)?.resolve(message.result);
      this.pending.delete(message.id);
    } else if (message.type === 'event' && typeof message.name === 'string') {
      for (const listener of this.eventListeners.get(message.name) ?? []) listener(message.payload);
    }
  }
}
