/** The back office's terminals page (server/office/areas/terminals.ts): a store's tills, enrolment codes, revocation. */
import { z } from 'zod';

export const TerminalSummary = z.object({
  terminalId: z.string(),
  name: z.string(),
  appVersion: z.string(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  lastUploadAt: z.string().nullable(),
  /** Facts the till holds that the server does not, as its last upload said (null: it never said). */
  factsWaiting: z.number().int().nullable(),
  /** How long the oldest of them has waited, in seconds (0: nothing waits; null: unknown). */
  lagSeconds: z.number().nullable(),
});
export type TerminalSummary = z.infer<typeof TerminalSummary>;
export const TerminalList = z.object({ storeId: z.string(), terminals: z.array(TerminalSummary) });

/** A new one-time code: shown once (the server keeps only its hash). */
export const EnrolmentCode = z.object({ code: z.string(), expiresAt: z.string() });
export const RevokedTerminal = z.object({ terminalId: z.string(), revoked: z.literal(true) });
