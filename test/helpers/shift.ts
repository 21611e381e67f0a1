/**
 * Selling needs an open shift on the till (issue 16: the first line of a cashier's sale is refused without one).
 * Tests about something else open one in their setup through this helper, as a cashier would: signed in as the
 * default cashier, float 0, through the API. Nothing is opened when a shift is open already (a restarted host).
 */
import type { CallInput, CallName, CallOutput } from '../../src-common/contract';
import type { Result } from '../../src-common/errors';
import { DEFAULT_USERS } from '../../src-main/services/auth';

type Call = <K extends CallName>(name: K, input: CallInput<K>) => Promise<Result<CallOutput<K>>>;

/** Opens a shift through a signed-out connection (it signs in as the default cashier); returns its id. */
export async function openTestShift(call: Call, float = 0): Promise<string> {
  const users = await call('auth.users', {});
  if (!users.ok) throw new Error(`auth.users failed: ${JSON.stringify(users.error)}`);
  const cashier = DEFAULT_USERS.find((u) => u.role === 'cashier')!;
  const user = users.value.find((u) => u.role === 'cashier' && u.name === cashier.name) ?? users.value.find((u) => u.role === 'cashier');
  if (!user) throw new Error('no cashier to open the test shift');
  const signedIn = await call('auth.signIn', { userId: user.id, pin: cashier.pin });
  if (!signedIn.ok) throw new Error(`the test shift's cashier could not sign in: ${JSON.stringify(signedIn.error)}`);
  try {
    const current = await call('shift.current', {});
    if (current.ok && current.value) return current.value.shiftId;
    const opened = await call('shift.open', { float });
    if (!opened.ok) throw new Error(`shift.open failed: ${JSON.stringify(opened.error)}`);
    return opened.value.shiftId;
  } finally {
    await call('auth.signOut', {});
  }
}
