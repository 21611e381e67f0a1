import type { CallInput, CallName, CallOutput } from '../src-common/contract';
import { newSession, type Session } from '../src-common/roles';
import type { Pos } from '../src-main/pos';
import { DEFAULT_USERS } from '../src-main/services/auth';

export interface CashierCalls {
  readonly session: Session;
  /** A call through the real dispatcher (validation, roles); throws unless it succeeded. */
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
}

/** The benches drive the terminal as its default cashier would, through the same dispatcher as the screens; her shift is open. */
export async function signedInCashier(pos: Pos): Promise<CashierCalls> {
  const session = newSession();
  const call = async <K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> => {
    const result = await pos.dispatch(name, input, session);
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value as CallOutput<K>;
  };
  const cashier = DEFAULT_USERS.find((u) => u.role === 'cashier')!;
  const users = await call('auth.users', {});
  await call('auth.signIn', { userId: users.find((u) => u.role === 'cashier')!.id, pin: cashier.pin });
  // Her first sale needs an open shift on the till (issue 16).
  if (!(await call('shift.current', {}))) await call('shift.open', { float: 0 });
  return { session, call };
}

/** Barcodes of up to `count` demo products, for scanning. */
export async function demoBarcodes(cashier: CashierCalls, count = 30): Promise<string[]> {
  const products = await cashier.call('catalog.search', { query: '6', limit: 50 });
  const barcodes = products.flatMap((p) => p.barcodes).slice(0, count);
  if (barcodes.length === 0) throw new Error('no products with a barcode in the demo catalog');
  return barcodes;
}
