/**
 * `npm run server -- [--data-dir DIR] [--port N] [--host ADDR] [--tls-cert FILE --tls-key FILE]
 * [--public-url https://NAME[/PATH]]`;
 * DATABASE_URL=postgres://… uses that PostgreSQL instead of the embedded one (JIEZHANG_DISTRIBUTE_ON_CITUS=1: on a
 * Citus coordinator, distribute the tables; not yet supported, server/README.md). Prints one ready JSON line
 * on stdout ({url, port, fingerprint}); logs (pino, JSON) go to stderr.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { EReceiptBaseUrl } from '../src-common/e-receipt';
import { startServer } from './start';

const USAGE = 'usage: npm run server -- [--data-dir DIR (./server-data)] [--port N (8443)] [--host ADDR (0.0.0.0)] [--tls-cert FILE --tls-key FILE] [--public-url https://NAME (e-receipt QRs)]';

function options() {
  try {
    const { values } = parseArgs({
      options: {
        'data-dir': { type: 'string', default: 'server-data' },
        port: { type: 'string', default: '8443' },
        host: { type: 'string', default: '0.0.0.0' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
      },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
    if (values['public-url'] !== undefined && !EReceiptBaseUrl.safeParse(values['public-url']).success) {
      throw new Error(`bad --public-url ${values['public-url']}: https://host[:port][/path], no query or fragment`);
    }
    return { ...values, port };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

const o = options();
const log = pino({ level: o['log-level'] }, pino.destination(2));
void (async () => {
  const running = await startServer({
    dataDir: o['data-dir'],
    port: o.port,
    host: o.host,
    log,
    ...(o['public-url'] ? { publicUrl: o['public-url'] } : {}),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    ...(process.env.JIEZHANG_DISTRIBUTE_ON_CITUS === '1' ? { distributeOnCitus: true } : {}),
    ...(o['tls-cert'] && o['tls-key'] ? { tlsFiles: { certFile: o['tls-cert'], keyFile: o['tls-key'] } } : {}),
  }).catch((error: unknown) => {
    log.fatal({ err: error }, 'store server did not start');
    console.error(`Store server did not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  if (running.adminTokenCreated) {
    console.error(`Admin token (shown once; also in ${o['data-dir']}/admin-token, mode 0600): ${running.adminToken}`);
  }
  console.error(`Store server on ${running.url}; certificate SHA-256 fingerprint (tills pin it at enrolment): ${running.tls.fingerprint}`);
  console.log(JSON.stringify({ url: running.url, port: running.port, fingerprint: running.tls.fingerprint }));

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void running.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
})();
