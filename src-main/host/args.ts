import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeIssues } from '../../src-common/errors';

export const HostArgs = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  dataDir: z.string().min(1).optional(),
  staticDir: z.string().min(1).optional(),
  demoCatalog: z.boolean().default(false),
});
export type HostArgs = z.infer<typeof HostArgs>;

export const HOST_USAGE = 'usage: host [--port N] [--data-dir DIR] [--static-dir DIR] [--demo-catalog]';

/** A command line the host cannot run with: said in one line with the usage, never as a stack trace. */
export class HostArgsError extends Error {
  override name = 'HostArgsError';
}

export function parseHostArgs(argv: string[]): HostArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        /** Load the demo catalog into an empty catalog even when config.json turns it off. */
        'demo-catalog': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new HostArgsError(`${(error as Error).message}\n${HOST_USAGE}`);
  }
  const parsed = HostArgs.safeParse({
    port: values.port,
    dataDir: values['data-dir'],
    staticDir: values['static-dir'],
    demoCatalog: values['demo-catalog'] ?? false,
  });
  if (!parsed.success) {
    throw new HostArgsError(`Invalid arguments: ${describeIssues(parsed.error.issues).map((i) => `--${i.path}: ${i.message}`).join('; ')}\n${HOST_USAGE}`);
  }
  return parsed.data;
}
