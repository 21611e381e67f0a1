import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PosError } from '../../src-common/errors';
import { newSession, type Session } from '../../src-common/roles';
import { systemClock } from '../clock';
import { createUploadsService, type UploadsService } from './uploads';

const owner = (): Session => ({ caller: { userId: 'OWNER', role: 'owner' } }) as Session;
const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return ((error as PosError).details as { reason?: string } | undefined)?.reason ?? (error as PosError).code;
  }
  return 'resolved';
};

describe('uploads in pages', () => {
  let dataDir: string;
  let uploads: UploadsService;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-uploads-'));
    uploads = await createUploadsService({ dataDir, clock: systemClock });
  });
  afterEach(async () => {
    await uploads.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('joins pages in order into one file, byte for byte (Chinese text split anywhere)', async () => {
    const session = owner();
    const text = `sku,name\n${Array.from({ length: 2000 }, (_, i) => `S${i},可口可乐 ${i}`).join('\n')}\n`;
    const { uploadId } = await uploads.begin('catalog-csv', Buffer.byteLength(text), session);
    const pages = [text.slice(0, 1000), text.slice(1000, 15_001), text.slice(15_001)];
    for (const [seq, page] of pages.entries()) await uploads.page(uploadId, seq, page, session);
    const path = await uploads.take(uploadId, 'catalog-csv', session);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('refuses pages out of order, more bytes than announced, an incomplete file and another screen', async () => {
    const session = owner();
    const { uploadId } = await uploads.begin('catalog-csv', 10, session);
    expect(await code(uploads.page(uploadId, 1, 'abc', session))).toBe('upload_out_of_order');
    expect(await code(uploads.page(uploadId, 0, 'abc', newSession()))).toBe('not_found');
    await uploads.page(uploadId, 0, 'abc', session);
    expect(await code(uploads.page(uploadId, 0, 'abc', session))).toBe('upload_out_of_order');
    expect(await code(uploads.take(uploadId, 'catalog-csv', session))).toBe('upload_incomplete');
    expect(await code(uploads.page(uploadId, 1, 'defghijklmn', session))).toBe('upload_too_large');
    // Discarded: its file is gone and the id is unknown.
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect(await code(uploads.take(uploadId, 'catalog-csv', session))).toBe('not_found');
  });

  it('holds at most four uploads at once', async () => {
    const session = owner();
    for (let i = 0; i < 4; i++) await uploads.begin('catalog-csv', 10, session);
    expect(await code(uploads.begin('catalog-csv', 10, session))).toBe('too_many_uploads');
  });
});
