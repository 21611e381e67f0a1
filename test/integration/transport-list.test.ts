// listPorts on this machine, and in a child process whose PATH has no udevadm (so a crash would show).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPorts } from '../../drivers/transport/list';
import { runInChild } from '../helpers/pty';

const emptyBin = mkdtempSync(join(tmpdir(), 'pos-nobin-'));
afterAll(() => rmSync(emptyBin, { recursive: true, force: true }));

describe('listPorts on this machine', () => {
  it('returns ports and problems as arrays, each port with its kind and transport id', async () => {
    const listing = await listPorts();
    expect(Array.isArray(listing.ports)).toBe(true);
    expect(Array.isArray(listing.problems)).toBe(true);
    for (const port of listing.ports) {
      expect(['serial', 'hid']).toContain(port.kind);
      expect(port.transportId.startsWith(`${port.kind}:`)).toBe(true);
    }
  });

  it('with the normal PATH, in its own process: exits cleanly with the same shape', async () => {
    const run = await runInChild(`
      const { listPorts } = await load('drivers/transport/list.ts');
      return await listPorts();
    `);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    const listing = run.result as { ports: unknown[]; problems: string[] };
    expect(Array.isArray(listing.ports)).toBe(true);
    expect(listing.problems.filter((p) => /udev/.test(p))).toEqual([]);
  });

  it('with no udevadm on PATH: no crash, and a problem saying to install udev', async () => {
    const run = await runInChild(
      `
      const { listPorts } = await load('drivers/transport/list.ts');
      return await listPorts();
      `,
      { env: { PATH: emptyBin, HOME: process.env.HOME ?? '/tmp' } },
    );
    expect(run.stderr).toBe('');
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    const listing = run.result as { ports: unknown[]; problems: string[] };
    expect(Array.isArray(listing.ports)).toBe(true);
    expect(listing.problems.some((p) => p.includes('udevadm was not found on PATH') && p.includes('apt-get install -y udev'))).toBe(true);
  });
});
