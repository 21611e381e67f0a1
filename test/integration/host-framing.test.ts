import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../helpers/host';

/**
 * HTTP hygiene of the built host, with raw bytes over a TCP socket (an HTTP client would not send these):
 * a request whose framing two parsers could read differently is answered 400 (RFC 9112 §3.2, §6.3), on the
 * UI's path and on the API's WebSocket upgrade alike.
 */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => {
      reply += String(chunk);
      if (reply.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(raw);
  });
}

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(reply)?.[1] ?? 0);

describe('the host refuses ambiguous HTTP framing', () => {
  let host: HostProcess;
  let self: string;
  let upgradeLines: string;
  beforeAll(async () => {
    host = await startHostProcess();
    self = `127.0.0.1:${host.ready.port}`;
    upgradeLines = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
  });
  afterAll(async () => {
    await host?.stop();
  });

  const page = (headers: string, body = '') => `GET / HTTP/1.1\r\n${headers}\r\n${body}`;
  const upgrade = (headers: string) => `GET /api?token=${encodeURIComponent(host.ready.token)} HTTP/1.1\r\n${headers}${upgradeLines}\r\n`;

  it('serves a well-framed page and upgrade (the control)', async () => {
    expect(statusOf(await exchange(host.ready.port, page(`Host: ${self}\r\n`)))).toBe(200);
    expect(statusOf(await exchange(host.ready.port, upgrade(`Host: ${self}\r\n`)))).toBe(101);
  });

  const cases: [string, (self: string) => string, string][] = [
    ['two Host headers, both this host', (h) => `Host: ${h}\r\nHost: ${h}\r\n`, ''],
    ['two Host headers, this host and another', (h) => `Host: ${h}\r\nHost: evil.example\r\n`, ''],
    ['a Host header listing two hosts', (h) => `Host: ${h}, evil.example\r\n`, ''],
    ['no Host header', () => '', ''],
    ['two equal Content-Length headers', (h) => `Host: ${h}\r\nContent-Length: 2\r\nContent-Length: 2\r\n`, 'xx'],
    ['two different Content-Length headers', (h) => `Host: ${h}\r\nContent-Length: 2\r\nContent-Length: 0\r\n`, 'xx'],
    ['Content-Length and Transfer-Encoding', (h) => `Host: ${h}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n`, '0\r\n\r\n'],
    ['Transfer-Encoding and Content-Length', (h) => `Host: ${h}\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n`, '0\r\n\r\n'],
  ];

  for (const [name, headers, body] of cases) {
    it(`answers 400 to a page request with ${name}`, async () => {
      const reply = await exchange(host.ready.port, page(headers(self), body));
      expect(statusOf(reply)).toBe(400);
      expect(reply).not.toContain('<div id="root">');
    });
    it(`answers 400 to a WebSocket upgrade with ${name}, and opens no API connection`, async () => {
      const reply = await exchange(host.ready.port, upgrade(headers(self)) + body);
      expect(statusOf(reply)).toBe(400);
      expect(reply).not.toMatch(/sec-websocket-accept/i);
    });
  }

  it('still serves after refusing', async () => {
    expect(statusOf(await exchange(host.ready.port, page(`Host: ${self}\r\n`)))).toBe(200);
  });
});
