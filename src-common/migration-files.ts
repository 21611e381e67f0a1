/**
 * Numbered SQL migrations as files `NNNN_name.sql`, numbered from 1 without gaps: the terminal's (db/) and the
 * store server's (server/) are read the same way. Pure: each side bundles its own files (import.meta.glob).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function parseMigrationFiles(sources: Record<string, string>): Migration[] {
  const migrations = Object.entries(sources).map(([path, sql]) => {
    const match = /(?:^|\/)(\d{4})_([a-z0-9_]+)\.sql$/.exec(path);
    if (!match) throw new Error(`Migration file name must be NNNN_name.sql: ${path}`);
    return { version: Number(match[1]), name: match[2]!, sql };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new Error(`Migrations must be numbered 1..N without gaps; expected ${index + 1}, found ${m.version} (${m.name})`);
    }
  });
  return migrations;
}
