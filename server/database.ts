import pg from 'pg';

// bigint (int8) and numeric sums come back as JS numbers: money and counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// A business date stays the plain 'YYYY-MM-DD' it was sent as (no time zone games).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = pg.Pool;

export function openPool(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000, application_name: 'jiezhang-server' });
  // An idle connection dropped by a PostgreSQL restart must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export async function inTransaction<T>(
  db: Db,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { snapshot?: boolean } = {},
): Promise<T> {
  const client = await db.connect();
  let broken = false;
  // A checked-out client has no 'error' listener of the pool's: a connection that dies in the middle (PostgreSQL
  // killed, a Patroni failover) fails the query in flight AND emits 'error', which unheard would end the process.
  const lost = () => (broken = true);
  client.on('error', lost);
  try {
    // snapshot: one consistent view for a multi-statement read (a pull).
    await client.query(options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(() => false, () => true);
    throw error;
  } finally {
    client.removeListener('error', lost);
    client.release(broken);
  }
}

/** PostgreSQL unreachable, shutting down or starting: the caller should answer 503 and the till retry. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  // A Unix socket's file is gone while its PostgreSQL is down (the embedded cluster's: server/embedded-postgres.ts).
  if (code === 'ENOENT' && (error as { syscall?: string }).syscall === 'connect') return true;
  // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  // 40P01: chosen as a deadlock's victim (two uploads of one store voiding sales of the same products, rarely): the
  // transaction was rolled back whole, so the same call again is safe.
  if (code === '40P01') return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error.message);
}
