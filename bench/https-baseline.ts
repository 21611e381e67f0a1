/**
 * What the direct-provider benches (WeChat Pay v2 and v3) share: their loopback HTTPS baseline (a trivial server that
 * answers at once, a POST on a fresh connection each time as the adapters make) and how they sum up samples.
 */
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { percentile } from './stats';

export const nsToMs = (ns: bigint) => Number(ns) / 1e6;
const round3 = (x: number) => Number(x.toFixed(3));

export function p50p99(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round3(percentile(sorted, 50)), p99: round3(percentile(sorted, 99)), max: round3(sorted.at(-1) ?? NaN) };
}

/** A round trip's figures less the baseline's. */
export function beyond(figure: { p50: number; p99: number }, baseline: { p50: number; p99: number }) {
  return { p50: round3(figure.p50 - baseline.p50), p99: round3(figure.p99 - baseline.p99) };
}

/** An HTTPS server on 127.0.0.1 answering every request at once with `reply`. */
export async function trivialHttps(tls: { cert: string; key: string }, reply: { contentType: string; body: string }) {
  const server = createServer(tls, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': reply.contentType }).end(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    /** A POST of `body` on a fresh connection (no agent), to the end of the reply. */
    post(ca: string, path: string, contentType: string, body: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const { port } = server.address() as AddressInfo;
        const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, agent: false, headers: { 'content-type': contentType, connection: 'close', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
