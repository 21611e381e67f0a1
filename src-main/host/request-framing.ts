import type { IncomingMessage } from 'node:http';

// host[:port]: a reg-name or IPv4 address, or an IPv6 literal in brackets (RFC 3986 §3.2.2); nothing else.
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+;=%-]+)(?::\d{0,5})?$/;

/**
 * Why a request's framing is ambiguous (RFC 9112 §3.2, §6.3), or null. Read from the raw header lines, because
 * Node's parsed headers keep only the first `Host`; Node's own parser already refuses the Content-Length cases,
 * but the host must not depend on a parser's leniency (Electron's Node, `--insecure-http-parser`).
 */
export function ambiguousFraming(req: IncomingMessage): string | null {
  const lines = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    lines.set(name, [...(lines.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  const hosts = lines.get('host') ?? [];
  if (hosts.length > 1) return 'more than one Host header';
  if (hosts.length === 0 && req.httpVersion === '1.1') return 'no Host header';
  if (hosts.length === 1 && !HOST_VALUE.test(hosts[0]!)) return 'an invalid Host header';
  const lengths = lines.get('content-length') ?? [];
  if (lengths.length > 1) return 'more than one Content-Length header';
  if (lengths.length === 1 && lines.has('transfer-encoding')) return 'both Content-Length and Transfer-Encoding';
  return null;
}
