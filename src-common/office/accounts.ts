/**
 * Back-office accounts (server/office/areas/accounts.ts): the owner makes store managers' and accountants'
 * accounts, resets a password, deactivates an account; every account turns its own two-step sign-in on or off.
 */
import { z } from 'zod';
import { OfficeRole } from './session';

export const PASSWORD_MIN = 10;
export const AccountPassword = z.string().min(PASSWORD_MIN, `A password has at least ${PASSWORD_MIN} characters`).max(200);
export const AccountLogin = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'A login is 3–64 letters, digits, . _ @ or -');

export const OfficeAccountSummary = z.object({
  accountId: z.string(),
  login: z.string(),
  name: z.string(),
  active: z.boolean(),
  totp: z.boolean(),
  lockedUntil: z.string().nullable(),
  grants: z.array(z.object({ storeId: z.string(), role: OfficeRole })),
});
export type OfficeAccountSummary = z.infer<typeof OfficeAccountSummary>;
export const OfficeAccountList = z.object({ accounts: z.array(OfficeAccountSummary) });

/** The owner makes a manager (one store) or an accountant (one store, or '*' for every store). */
export const CreateAccount = z
  .object({
    login: AccountLogin,
    name: z.string().trim().min(1).max(60),
    password: AccountPassword,
    role: z.enum(['manager', 'accountant']),
    storeId: z.string().min(1).max(64),
  })
  .strict()
  .refine((a) => a.role !== 'manager' || a.storeId !== '*', { message: 'A store manager has one store', path: ['storeId'] });
export const CreatedAccount = z.object({ accountId: z.string() });

export const PasswordReset = z.object({ password: AccountPassword, clearTotp: z.boolean().default(false) }).strict();
export const AccountActive = z.object({ active: z.boolean() }).strict();

/** Turning two-step sign-in on: the secret (for typing) and the otpauth:// URI (for the QR), until confirmed. */
export const TotpSetup = z.object({ secret: z.string(), uri: z.string() });
export const TotpCode = z.object({ code: z.string().regex(/^\d{6}$/, 'The code is 6 digits') }).strict();
export const TotpState = z.object({ totp: z.boolean() });
export const PasswordResetDone = z.object({ accountId: z.string(), reset: z.literal(true) });
export const AccountActiveDone = z.object({ accountId: z.string(), active: z.boolean() });
