/**
 * The server benches' watch on their PostgreSQL connections (bench/pg-connection-errors.ts): a connection that drops
 * mid-run is recorded, not an unhandled 'error' event ending the process, and the run fails with its own error.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgConnectionErrors } from '../../bench/pg-connection-errors';
import { freshDatabase } from '../../server/testing/postgres';

let url: string;
let killer: pg.Client;

/** Ends the backends of `application_name` (PostgreSQL's answer to a crash or a restart, for that connection). */
async function dropConnections(applicationName: string): Promise<void> {
  await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
}

beforeAll(async () => {
  url = await freshDatabase();
  killer = new pg.Client({ connectionString: url });
  await killer.connect();
});

afterAll(async () => {
  await killer.end();
});

describe('the server benches’ PostgreSQL connections', () => {
  it('records an idle client’s dropped connection, and a run that otherwise went through fails naming it', async () => {
    const errors = new PgConnectionErrors();
    const client = errors.watch(new pg.Client({ connectionString: url, application_name: 'bench-idle' }), 'the raw COPY’s connection');
    await client.connect();
    const ended = new Promise((done) => client.once('end', done));
    await dropConnections('bench-idle');
    await ended;
    expect(errors.errors.length).toBeGreaterThan(0);
    expect(errors.errors[0]).toMatch(/^the raw COPY’s connection: .*terminat/i);
    expect(() => errors.throwIfAny()).toThrow(/PostgreSQL connections failed during the run: the raw COPY’s connection: /);
  });

  it('fails a run with its own error first (a unique violation), the dropped connections named beside it', async () => {
    const errors = new PgConnectionErrors();
    const pool = errors.watch(new pg.Pool({ connectionString: url, application_name: 'bench-pool', max: 1 }), 'the dashboard’s pool');
    await pool.query('CREATE TABLE once (id int PRIMARY KEY)');
    await pool.query('INSERT INTO once VALUES (1)');
    const own = await pool.query('INSERT INTO once VALUES (1)').then(
      () => new Error('no violation'),
      (error: Error) => error,
    );
    // A client checked out of the pool and idle when its connection drops (the pool listens only to its idle
    // clients): its 'error' event, which unheard ends the process, is recorded.
    const checkedOut = await pool.connect();
    const ended = new Promise((done) => checkedOut.once('end', done));
    await dropConnections('bench-pool');
    await ended;
    checkedOut.release(true);
    await pool.end();
    const thrown = errors.besides(own) as Error;
    expect(thrown).toBe(own);
    expect(thrown.message).toMatch(/^duplicate key value violates unique constraint "once_pkey" \(PostgreSQL connections meanwhile: the dashboard’s pool: .*terminat/i);
  });
});
