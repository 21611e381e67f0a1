/**
 * Files sent by a screen in pages, written to <dataDir>/uploads/ with non-blocking I/O. An upload belongs to the
 * session that began it; it is complete when it holds the announced number of bytes; unused uploads are removed
 * after an hour (and every upload at start, since the sessions that owned them are gone).
 */
import { appendFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '../../db/ids';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Clock } from '../clock';

export type UploadPurpose = 'catalog-csv';

interface Upload {
  id: string;
  purpose: UploadPurpose;
  owner: Session;
  expected: number;
  received: number;
  nextSeq: number;
  startedAt: number;
  path: string;
  /** Pages are appended one at a time, in order. */
  writing: Promise<unknown>;
}

export interface UploadsService {
  begin(purpose: UploadPurpose, bytes: number, session: Session): Promise<{ uploadId: string }>;
  page(uploadId: string, seq: number, text: string, session: Session): Promise<{ received: number; bytes: number }>;
  /** The path of a complete upload of this session, for its purpose; the upload is handed over (the caller removes the file). */
  take(uploadId: string, purpose: UploadPurpose, session: Session): Promise<string>;
  close(): Promise<void>;
}

const MAX_OPEN = 4;
const MAX_AGE_MS = 60 * 60_000;

export async function createUploadsService(deps: { dataDir: string; clock: Clock }): Promise<UploadsService> {
  const dir = join(deps.dataDir, 'uploads');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const uploads = new Map<string, Upload>();

  const forget = async (upload: Upload) => {
    uploads.delete(upload.id);
    await upload.writing.catch(() => {});
    await rm(upload.path, { force: true });
  };
  const dropExpired = async () => {
    const now = deps.clock.now().getTime();
    for (const upload of [...uploads.values()]) if (now - upload.startedAt > MAX_AGE_MS) await forget(upload);
  };
  const owned = (uploadId: string, session: Session): Upload => {
    const upload = uploads.get(uploadId);
    // Another screen's upload is not found either: nothing tells it exists.
    if (!upload || upload.owner !== session) throw new PosError('not_found', 'No such upload', { uploadId });
    return upload;
  };

  return {
    async begin(purpose, bytes, session) {
      await dropExpired();
      if (uploads.size >= MAX_OPEN) throw new PosError('conflict', 'Too many uploads in progress; finish or wait for one', { reason: 'too_many_uploads' });
      const id = newId();
      const path = join(dir, `${id}.part`);
      uploads.set(id, { id, purpose, owner: session, expected: bytes, received: 0, nextSeq: 0, startedAt: deps.clock.now().getTime(), path, writing: Promise.resolve() });
      return { uploadId: id };
    },

    async page(uploadId, seq, text, session) {
      const upload = owned(uploadId, session);
      if (seq !== upload.nextSeq) throw new PosError('conflict', `Expected page ${upload.nextSeq} of this upload`, { reason: 'upload_out_of_order', expected: upload.nextSeq });
      const bytes = Buffer.byteLength(text, 'utf8');
      if (upload.received + bytes > upload.expected) {
        await forget(upload);
        throw new PosError('validation_failed', 'The upload is larger than announced; it was discarded', { reason: 'upload_too_large' });
      }
      upload.nextSeq += 1;
      upload.received += bytes;
      upload.writing = upload.writing.then(() => appendFile(upload.path, text, { encoding: 'utf8', mode: 0o600 }));
      try {
        await upload.writing;
      } catch (error) {
        await forget(upload);
        throw new PosError('unavailable', `The upload could not be stored: ${(error as Error).message}`, { reason: 'upload_not_stored' });
      }
      return { received: upload.received, bytes: upload.expected };
    },

    async take(uploadId, purpose, session) {
      const upload = owned(uploadId, session);
      if (upload.purpose !== purpose) throw new PosError('validation_failed', `This upload is for ${upload.purpose}`, { reason: 'upload_purpose' });
      await upload.writing;
      const size = upload.received ? (await stat(upload.path)).size : 0;
      if (upload.received !== upload.expected || size !== upload.expected) {
        throw new PosError('conflict', `The upload is incomplete: ${upload.received} of ${upload.expected} bytes`, { reason: 'upload_incomplete', received: upload.received, bytes: upload.expected });
      }
      uploads.delete(upload.id);
      return upload.path;
    },

    async close() {
      for (const upload of [...uploads.values()]) await forget(upload);
    },
  };
}
