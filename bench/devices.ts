import { rmSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { encodeReceiptEscPos } from '../drivers/receipt/escpos';
import { receiptlineEscPos } from '../drivers/receipt/preview';
import { sampleReceipt30 } from '../drivers/receipt/sample';
import { wireTimeMs } from '../drivers/scanner/framer';
import { parseConfig } from '../src-main/config';
import { createPos } from '../src-main/pos';
import { DEFAULT_USERS } from '../src-main/services/auth';
import { createPtyPair, killAllSocat, openPeer } from '../test/helpers/pty';
import { openApiSocket, startHostProcess, tempDir } from '../test/helpers/host';
import { BIG_BARCODES, BIG_CASHIER, BIG_TECHNICIAN, bigTerminalDir } from '../test/helpers/big-terminal';
import { cachedSalesDatabase } from './sales-fixture';
import { percentile, summarize } from './stats';
import { signedInCashier } from './cashier';

/** ESC/POS bytes for the 30-line Chinese receipt with a QR: our encoder beside receiptline's, same run. */
export function receiptEncode(iterations = 2000) {
  const doc = sampleReceipt30();
  const time = (fn: () => Uint8Array) => {
    for (let i = 0; i < 50; i++) fn();
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations; i++) {
      const started = process.hrtime.bigint();
      bytes = fn().length;
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { bytes, ms: summarize(samples, 4) };
  };
  const ours = time(() => encodeReceiptEscPos(doc, { columns: 48, qr: true, cut: true }));
  const baseline = time(() => receiptlineEscPos(doc, { columns: 48 }));
  return { ours, baselineReceiptline: baseline, bytesRatio: Number((ours.bytes / baseline.bytes).toFixed(3)) };
}

/** Serial scan → UI update, both paths: through a running host to a WebSocket client, and in process. */
export async function serialScanToCart(count = 100) {
  return { overHostWebSocket: await serialScanToUiOverHost(count), inProcessDispatcher: await serialScanInProcess(count) };
}

/**
 * What the cashier's screen sees: a running host (out/main/host.js, its own process) with a scanner on a socat
 * pty; a WebSocket client signed in as a cashier whose screen says it is selling (the core's scan router adds the
 * item); timed from the bytes written on the scanner's pty peer to the `sale.changed` event received by that client.
 * Beside it, the wire time of the same bytes at the configured baud (start + 8 data + stop bits per byte / baud).
 */
export async function serialScanToUiOverHost(count = 100, cgroupDir?: string, gapMs = 0) {
  try {
    execSync('command -v socat', { stdio: 'ignore' });
  } catch {
    return { skipped: 'socat is not installed' };
  }
  const baudRate = 9600;
  const pair = await createPtyPair();
  const host = await startHostProcess({
    ...(cgroupDir ? { cgroupDir } : {}),
    config: { log: { level: 'warn' }, devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate }, suffix: 'CR' }] },
  });
  const peer = await openPeer(pair.b, baudRate);
  const api = await openApiSocket(host.ready);
  try {
    const users = await api.call('auth.users', {});
    if (!users.ok) throw new Error('auth.users failed');
    await api.call('auth.signIn', { userId: users.value.find((u) => u.role === 'cashier')!.id, pin: DEFAULT_USERS[0]!.pin });
    await api.call('screen.report', { surface: 'till', step: 'selling' });
    const search = await api.call('catalog.search', { query: 'kkkl' });
    if (!search.ok) throw new Error('catalog.search failed');
    const code = search.value[0]!.barcodes[0]!;
    for (let i = 0; i < 200; i++) {
      const r = await api.call('devices.status', {});
      if (r.ok && r.value.every((d) => d.state === 'idle')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bytes = new TextEncoder().encode(`${code}\r`);
    const samples: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const started = process.hrtime.bigint();
      await peer.write(bytes);
      // The core routes the scan to the open sale; the screen waits for the cart.
      for (;;) {
        const message = (await api.nextMessage()) as { type: string; name?: string };
        if (message.type === 'event' && message.name === 'sale.changed') break;
      }
      const at = process.hrtime.bigint();
      if (i >= 10) samples.push(Number(at - started) / 1e6);
      if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (i % 20 === 19) {
        await api.call('sale.void', { reason: 'bench' });
        // The void's own sale.changed came before its result: drop it so it is not taken for the next scan's.
        api.messages.splice(0);
      }
    }
    const wire = wireTimeMs(bytes.length, baudRate);
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      path: 'scanner pty peer → host process (serialport, framer, scan router, sale) → sale.changed event at the WebSocket client',
      samples: samples.length,
      gapBetweenScansMs: gapMs,
      scanToUiMs: { p50: Number(percentile(sorted, 50).toFixed(3)), p99: Number(percentile(sorted, 99).toFixed(3)), max: Number(sorted.at(-1)!.toFixed(3)) },
      wireTimeMs: Number(wire.toFixed(2)),
      baudRate,
      bytes: bytes.length,
      note: 'pty transfers have no baud delay: a real cable adds wireTimeMs to these figures',
    };
  } finally {
    api.close();
    await peer.close();
    await host.stop();
    await pair.close();
    await killAllSocat();
  }
}

/**
 * A code typed by a serial scanner (real serialport over a socat pty) until the sale changed with the item,
 * beside the wire time of the same bytes at the configured baud (which no software can beat).
 */
async function serialScanInProcess(count: number) {
  try {
    execSync('command -v socat', { stdio: 'ignore' });
  } catch {
    return { skipped: 'socat is not installed' };
  }
  const pair = await createPtyPair();
  const dataDir = tempDir('pos-bench-devices-');
  const pos = await createPos({
    dataDir,
    config: parseConfig({
      log: { level: 'warn' },
      devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }],
    }),
  });
  const peer = await openPeer(pair.b);
  try {
    const { session, call } = await signedInCashier(pos);
    const code = (await call('catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
    // An open cashier screen: the core's scan router adds each device scan to its sale.
    pos.screens.connect(session);
    await call('screen.report', { surface: 'till', step: 'selling' });
    for (let i = 0; i < 100; i++) {
      const r = await pos.dispatch('devices.status', {}, session);
      if (r.ok && (r.value as { state: string }[]).every((d) => d.state === 'idle')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bytes = new TextEncoder().encode(`${code}\r`);
    const samples: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const changed = new Promise<bigint>((resolve) => {
        const off = pos.events.subscribe((name) => {
          if (name !== 'sale.changed') return;
          off();
          resolve(process.hrtime.bigint());
        });
      });
      const started = process.hrtime.bigint();
      await peer.write(bytes);
      const at = await changed;
      if (i >= 10) samples.push(Number(at - started) / 1e6);
      if (i % 20 === 19) await pos.dispatch('sale.void', { reason: 'bench' }, session);
    }
    const wire = wireTimeMs(bytes.length, 9600);
    const s = summarize(samples, 3);
    // A pseudo-terminal moves bytes at once, whatever the baud: what is measured is the terminal's own part
    // (framing, lookup, the durable cart fact, the event), which a real cable adds to the wire time.
    const p99 = percentile([...samples].sort((a, b) => a - b), 99);
    return {
      samples: s.n,
      scanToCartBeyondWireMs: { ...s, p99: Number(p99.toFixed(3)) },
      wireTimeMs: Number(wire.toFixed(2)),
      note: 'pty transfers have no baud delay: the figures are the time beyond the wire; at 9600 baud add wireTimeMs',
      atBaudP99Ms: Number((wire + p99).toFixed(3)),
    };
  } finally {
    await peer.close();
    await pos.close();
    await pair.close();
    await killAllSocat();
  }
}

/**
 * Scan → UI on the 1,000,000-sale database while the technician runs a full integrity check (in the SQL worker),
 * beside the same scans on the same host with nothing else running. Scans come every `gapMs` (a fast cashier).
 */
export async function serialScanToUiDuringIntegrityCheck(options: { gapMs?: number; sales?: number } = {}) {
  try {
    execSync('command -v socat', { stdio: 'ignore' });
  } catch {
    return { skipped: 'socat is not installed' };
  }
  const gapMs = options.gapMs ?? 50;
  const fixture = await cachedSalesDatabase(options.sales ?? 1_000_000, { log: (line) => process.stderr.write(`${line}\n`) });
  const dataDir = await bigTerminalDir(fixture.path);
  const pair = await createPtyPair();
  const host = await startHostProcess({
    dataDir,
    config: { log: { level: 'warn' }, demoCatalog: false, devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }] },
  });
  const peer = await openPeer(pair.b);
  const till = await openApiSocket(host.ready);
  const tech = await openApiSocket(host.ready);
  try {
    await till.call('auth.signIn', BIG_CASHIER);
    await tech.call('auth.signIn', BIG_TECHNICIAN);
    await till.call('screen.report', { surface: 'till', step: 'selling' });
    for (let i = 0; i < 200; i++) {
      const r = await till.call('devices.status', {});
      if (r.ok && r.value.every((d) => d.state === 'idle')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bytes = new TextEncoder().encode(`${BIG_BARCODES[0]}\r`);
    let scans = 0;
    const scanOnce = async () => {
      const started = process.hrtime.bigint();
      await peer.write(bytes);
      for (;;) {
        const message = (await till.nextMessage()) as { type: string; name?: string };
        if (message.type === 'event' && message.name === 'sale.changed') break;
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (++scans % 50 === 0) {
        await till.call('sale.void', { reason: 'bench' });
        till.messages.splice(0);
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      return ms;
    };
    const idle: number[] = [];
    for (let i = 0; i < 100; i++) idle.push(await scanOnce());
    const during: number[] = [];
    let checking = true;
    const checkStarted = performance.now();
    const check = tech.call('diagnostics.database', { full: true }).finally(() => (checking = false));
    while (checking) during.push(await scanOnce());
    const checked = await check;
    const checkMs = performance.now() - checkStarted;
    const stats = (samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { n: sorted.length, p50: Number(percentile(sorted, 50).toFixed(2)), p99: Number(percentile(sorted, 99).toFixed(2)), max: Number(sorted.at(-1)!.toFixed(2)) };
    };
    return {
      path: 'scanner pty peer → host (serialport, framer, scan router, sale) → sale.changed at the WebSocket client, one scan every gapMs',
      gapMs,
      duringIntegrityCheckMs: stats(during),
      baselineNothingElseRunningMs: stats(idle),
      integrityCheck: { ok: checked.ok && checked.value.ok, seconds: Number((checkMs / 1000).toFixed(1)), databaseBytes: checked.ok ? checked.value.fileBytes : null },
    };
  } finally {
    till.close();
    tech.close();
    await peer.close();
    await host.stop();
    await pair.close();
    await killAllSocat();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
