/**
 * A pg client (or a pool's client) whose connection drops — PostgreSQL stopped, crashed or restarted in the middle of
 * a bench — emits 'error'; with no listener that event ends the process with "Connection terminated unexpectedly",
 * and the failure that stopped the run (once a unique violation of the server bench's raw COPY, whose client was still
 * connected when the run's `finally` stopped the cluster) was never printed. The server benches watch every client and
 * pool they open here: what a connection reports is recorded, and the run fails with its own error, the connection
 * errors named beside it; a run that otherwise went through fails with the connection errors.
 */
import pg from 'pg';

export class PgConnectionErrors {
  private readonly seen: string[] = [];

  /** Records the 'error' events of `target` (a pool: its idle clients' and each of its clients' while checked out). */
  watch<T extends pg.Client | pg.Pool>(target: T, what: string): T {
    const note = (error: Error) => this.seen.push(`${what}: ${error.message}`);
    if (target instanceof pg.Pool) {
      target.on('error', note);
      target.on('connect', (client) => client.on('error', note));
    } else {
      (target as pg.Client).on('error', note);
    }
    return target;
  }

  /** What the watched connections reported so far. */
  get errors(): readonly string[] {
    return this.seen;
  }

  /** The run's own error, as it is, with the connection errors seen so far added to its message. */
  besides(error: unknown): unknown {
    if (error instanceof Error && this.seen.length > 0) error.message += ` (PostgreSQL connections meanwhile: ${this.seen.join('; ')})`;
    return error;
  }

  /** A run that otherwise went through fails when a connection reported an error. */
  throwIfAny(): void {
    if (this.seen.length > 0) throw new Error(`PostgreSQL connections failed during the run: ${this.seen.join('; ')}`);
  }
}
