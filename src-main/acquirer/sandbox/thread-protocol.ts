/** Messages between the core and the embedded sandbox acquirer's thread (thread.ts, embedded.ts). */
export interface EmbeddedSandboxData {
  readonly dbPath: string;
  /** 0 picks a free port; a restarted thread is given the port its predecessor had, so the adapter's address holds. */
  readonly port: number;
  readonly scale: number;
  readonly logLevel: string;
  readonly nativeBinding?: string;
}

export type FromSandboxThread =
  | { type: 'ready'; url: string; port: number }
  /** One pino JSON line, written to the core's log. */
  | { type: 'log'; line: string }
  | { type: 'closed' };

export type ToSandboxThread = { type: 'close' };
