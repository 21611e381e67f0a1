/**
 * The API contract: every call and every event, declared once.
 * Main's handler map and the renderer's client are both typed from this module, and main validates
 * every input (and output) against these schemas. Adding a feature = one entry here + one handler + UI.
 */
import { z } from 'zod';
import type { Access } from './roles';

export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  /** One line for the technician console and the generated API listing. */
  readonly summary: string;
}

function call<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec;
}

const NoInput = z.object({}).strict();

export const Language = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const Settings = z.object({
  language: Language,
  storeName: z.string(),
  currency: z.string().length(3),
});
export type Settings = z.infer<typeof Settings>;

export const TerminalStatus = z.object({
  terminalId: z.string(),
  createdAt: z.string(),
  startCount: z.number().int().nonnegative(),
  lastStartedAt: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  sqliteVersion: z.string(),
  journalMode: z.string(),
  appVersion: z.string(),
  acquirerMode: z.enum(['sandbox', 'live']),
  storeName: z.string(),
  currency: z.string(),
});
export type TerminalStatus = z.infer<typeof TerminalStatus>;

export const calls = {
  'terminal.status': call({
    input: NoInput,
    output: TerminalStatus,
    access: 'any',
    summary: 'Identity and health of this terminal, read from its database',
  }),
  'settings.get': call({
    input: NoInput,
    output: Settings,
    access: 'any',
    summary: 'Terminal settings the UI needs at start',
  }),
  'settings.setLanguage': call({
    input: z.object({ language: Language }).strict(),
    output: Settings,
    access: 'any',
    summary: 'Switch the UI language of this terminal (kept across restarts)',
  }),
} as const satisfies Record<string, CallSpec>;

export const events = {
  'settings.changed': Settings,
} as const satisfies Record<string, z.ZodType>;

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallInput<K extends CallName> = z.input<(typeof calls)[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<(typeof calls)[K]['input']>;
export type CallOutput<K extends CallName> = z.output<(typeof calls)[K]['output']>;
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>;

export const callNames = Object.freeze(Object.keys(calls)) as readonly CallName[];
export const eventNames = Object.freeze(Object.keys(events)) as readonly EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The wire envelope of the WebSocket transport (Electron IPC carries the same shapes). */
export const RequestEnvelope = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  input: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;
