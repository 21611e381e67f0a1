/** Store sync, the till's side (issue 14): enrolment with the store server, and the state of facts up and data down. */
import { z } from 'zod';
import { call, Managers, NoInput, Staff, Technicians, type CallSpec } from './spec';

export const SyncState = z.enum([
  'not_enrolled',
  /** Enrolled, no answer from the server yet. */
  'connecting',
  'online',
  /** The server or the network is down: the till keeps selling and catches up when it is back. */
  'offline',
  /** The server answered no (a revoked credential, a refused batch): a technician should look. */
  'refused',
]);
export type SyncState = z.infer<typeof SyncState>;

export const SyncStatus = z.object({
  state: SyncState,
  serverUrl: z.string().nullable(),
  /** Of the server's own certificate ('pin'), or of the CA that signs it ('ca'). */
  fingerprint: z.string().nullable(),
  trust: z.enum(['pin', 'ca']).nullable().optional(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  enrolledAt: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  lastUploadAt: z.string().nullable(),
  lastPullAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** A hole the server holds in this till's facts, or a fact that cannot be sent: never cleared silently. */
  alert: z.string().nullable(),
  factsWaiting: z.number().int().min(0),
  factsAcked: z.number().int().min(0),
  oldestWaitingAt: z.string().nullable(),
  pulledVersion: z.number().int().min(0),
  streamId: z.string().nullable(),
  /** The facts written before store sync, being numbered after an upgrade (upload waits for it); null once done. */
  numberingHistory: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).nullable().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

const ServerUrl = z.string().trim().min(8).max(200);
const Fingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint (32 hex pairs joined by :)');

export const SyncRun = z.object({
  jobId: z.string(),
  kind: z.enum(['sync.upload', 'sync.pull']),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  history: z.array(z.object({ attempt: z.number().int(), startedAt: z.string(), endedAt: z.string(), outcome: z.string(), error: z.string().nullable() })),
});

export const syncCalls = {
  'sync.status': call({ input: () => NoInput, output: () => SyncStatus, access: Staff, summary: 'The store server link: state, last sync, facts waiting, alerts' }),
  'sync.inspect': call({
    input: () => z.object({ serverUrl: ServerUrl }).strict(),
    output: () => z.object({ serverUrl: z.string(), fingerprint: Fingerprint }),
    access: Technicians,
    summary: 'Read the certificate a store server presents (nothing is sent), to compare its fingerprint with the one the server printed',
  }),
  'sync.enrol': call({
    // Either the fingerprint the technician confirmed (the server's own certificate pinned), or the CA certificate
    // (PEM) that signs the server's: then any certificate of that CA for this address is trusted, and no other.
    input: () => z
      .object({ serverUrl: ServerUrl, code: z.string().trim().toUpperCase().min(8).max(20), fingerprint: Fingerprint.optional(), caCertificate: z.string().max(20_000).optional() })
      .strict()
      .refine((i) => (i.fingerprint === undefined) !== (i.caCertificate === undefined), { message: 'a fingerprint or a CA certificate, one of the two' }),
    output: () => SyncStatus,
    access: Technicians,
    summary: 'Enrol this till with the store server, pinning the certificate whose fingerprint the technician confirmed, or trusting the CA certificate given',
  }),
  'sync.unenrol': call({ input: () => NoInput, output: () => SyncStatus, access: Technicians, summary: 'Forget the store server (facts not yet acknowledged stay on the till)' }),
  'sync.now': call({ input: () => NoInput, output: () => SyncStatus, access: Managers, summary: 'Upload waiting facts and pull the store’s data now' }),
  'sync.history': call({ input: () => NoInput, output: () => z.array(SyncRun), access: Technicians, summary: 'The latest upload and pull runs, with their attempts' }),
} as const satisfies Record<string, CallSpec>;

export const syncEvents = {
  'sync.changed': SyncStatus,
} as const satisfies Record<string, z.ZodType>;
