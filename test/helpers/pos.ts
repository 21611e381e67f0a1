import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import type { CallInput, CallName, CallOutput } from '../../src-common/contract';
import type { Result } from '../../src-common/errors';
import { newSession, type Role, type Session } from '../../src-common/roles';
import { parseConfig } from '../../src-main/config';
import { createPos, type Pos, type PosOptions } from '../../src-main/pos';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { tempDir } from './host';
import { openTestShift } from './shift';

export interface TestPos {
  pos: Pos;
  dataDir: string;
  call<K extends CallName>(session: Session, name: K, input: CallInput<K>): Promise<Result<CallOutput<K>>>;
  /** Like call, but throws unless ok. */
  ok<K extends CallName>(session: Session, name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  signedIn(role: Role): Promise<Session>;
  userId(role: Role): Promise<string>;
  query<T>(sql: string, ...params: unknown[]): T[];
  close(): Promise<void>;
}

/** The whole terminal in this process, on a real SQLite file in a temp data dir. */
export async function startTestPos(
  config: Record<string, unknown> = {},
  existingDataDir?: string,
  /** openShift (default true): a shift is open on the till once it starts (./shift.ts), as selling needs one. */
  options: Partial<Omit<PosOptions, 'dataDir' | 'config'>> & { openShift?: boolean } = {},
): Promise<TestPos> {
  const { openShift = true, ...posOptions } = options;
  const dataDir = existingDataDir ?? tempDir('pos-it-');
  const pos = await createPos({ ...posOptions, dataDir, config: parseConfig({ log: { level: 'warn' }, ...config }) });
  const call = <K extends CallName>(session: Session, name: K, input: CallInput<K>) =>
    pos.dispatch(name, input, session) as Promise<Result<CallOutput<K>>>;
  if (openShift) {
    const setup = newSession();
    await openTestShift((name, input) => call(setup, name, input));
  }
  const ok = async <K extends CallName>(session: Session, name: K, input: CallInput<K>) => {
    const result = await call(session, name, input);
    if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  const userId = async (role: Role) => {
    const users = await ok(newSession(), 'auth.users', {});
    return users.find((u) => u.role === role)!.id;
  };
  return {
    pos,
    dataDir,
    call,
    ok,
    userId,
    async signedIn(role) {
      const session = newSession();
      await ok(session, 'auth.signIn', { userId: await userId(role), pin: DEFAULT_USERS.find((u) => u.role === role)!.pin });
      return session;
    },
    query<T>(sql: string, ...params: unknown[]) {
      const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    close: () => pos.close(),
  };
}
