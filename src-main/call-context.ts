import { AsyncLocalStorage } from 'node:async_hooks';
import type { Session } from '../src-common/roles';

/**
 * The session (one per connection) a call is being served for, reachable from any service the call reaches
 * without threading it through every signature: the PIN check rate-limits by connection with it.
 */
const current = new AsyncLocalStorage<Session>();

export function runForSession<T>(session: Session, serve: () => T): T {
  return current.run(session, serve);
}

export function currentSession(): Session | undefined {
  return current.getStore();
}
