import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A new, empty database in the run's PostgreSQL (global-setup.ts), for one test file or one test. */
export async function freshDatabase(): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const workers = process.env.JIEZHANG_TEST_CITUS_WORKERS;
  if (workers) await makeCitusDatabase(url, workers.split(','), name);
  return url.toString();
}

/**
 * JIEZHANG_TEST_CITUS_WORKERS=host:port,…: the run's PostgreSQL (JIEZHANG_TEST_POSTGRES_URL) is a Citus
 * coordinator with these workers; each test's database is made on every node with the extension, and the workers
 * added to its metadata, so the server's start distributes its tables (server/citus.ts) and the tests run on them.
 */
async function makeCitusDatabase(url: URL, workers: string[], name: string) {
  const on = async (hostPort: string, database: string, statements: string[]) => {
    const node = new URL(url);
    node.host = hostPort;
    node.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: node.toString() });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  for (const worker of workers) await on(worker, 'postgres', [`CREATE DATABASE ${name}`]);
  for (const worker of workers) await on(worker, name, ['CREATE EXTENSION citus']);
  await on(url.host, name, [
    'CREATE EXTENSION citus',
    `SELECT citus_set_coordinator_host('${url.hostname}', ${Number(url.port)})`,
    ...workers.map((worker) => `SELECT citus_add_node('${worker.split(':')[0]}', ${Number(worker.split(':')[1])})`),
  ]);
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
