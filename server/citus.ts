/**
 * On Citus the server distributes its own tables. The schema is made for it (store_id in every primary and unique
 * key, no foreign keys), and doing it at every start rather than by hand once means a table a later migration adds
 * is distributed too, where a hand-kept list in a README would go stale.
 *
 * A table with a store_id is distributed by it, colocated with `store` (each till's call touches one store, so it is
 * routed to one worker, and a store's rows of every table live on the same node); a table without one (the schema's
 * versions, the owner's office accounts and sessions, chain-wide and small) is a reference table, copied to every
 * node. Only on the coordinator of a database with the `citus` extension; a no-op everywhere else.
 */
import type pg from 'pg';

export interface Distribution {
  distributed: string[];
  reference: string[];
}

export async function distributeOnCitus(client: pg.ClientBase): Promise<Distribution | null> {
  const { rows: citus } = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  if (citus.length === 0) return null;
  // Workers carry the metadata too (Citus 11+): only the coordinator distributes.
  const { rows: role } = await client.query<{ coordinator: boolean }>('SELECT citus_is_coordinator() AS coordinator');
  if (!role[0]?.coordinator) return null;
  // Servers starting together: one distributes, the others then find nothing left to do.
  await client.query('SELECT pg_advisory_lock($1)', [DISTRIBUTION_LOCK]);
  try {
    return await distributeRemaining(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [DISTRIBUTION_LOCK]);
  }
}

const DISTRIBUTION_LOCK = '7668521203154886504';

async function distributeRemaining(client: pg.ClientBase): Promise<Distribution> {
  // Tables of this schema not yet in Citus's catalog, store first (the others are colocated with it).
  const { rows } = await client.query<{ name: string; by_store: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'store_id' AND NOT a.attisdropped) AS by_store
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)
      ORDER BY c.relname <> 'store', c.relname`,
  );
  const done: Distribution = { distributed: [], reference: [] };
  for (const table of rows) {
    const name = table.name;
    if (table.by_store) {
      await client.query(name === 'store' ? `SELECT create_distributed_table($1, 'store_id')` : `SELECT create_distributed_table($1, 'store_id', colocate_with => 'store')`, [name]);
      done.distributed.push(name);
    } else {
      await client.query('SELECT create_reference_table($1)', [name]);
      done.reference.push(name);
    }
  }
  return done;
}
