/**
 * The server's numbered SQL migrations (server/migrations/NNNN_name.sql), bundled into the build.
 * Numbers start at 1 and have no gaps.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const files = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

export function parseMigrationFiles(sources: Record<string, string>): Migration[] {
  const list = Object.entries(sources).map(([path, sql]) => {
    const match = /(?:^|\/)(\d{4})_([a-z0-9_]+)\.sql$/.exec(path);
    if (!match) throw new Error(`Migration file name must be NNNN_name.sql: ${path}`);
    return { version: Number(match[1]), name: match[2]!, sql };
  });
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, index) => {
    if (m.version !== index + 1) throw new Error(`Migrations must be numbered 1..N without gaps; expected ${index + 1}, found ${m.version} (${m.name})`);
  });
  return list;
}

export const migrations: readonly Migration[] = parseMigrationFiles(files);
export const latestSchemaVersion = migrations.length;
