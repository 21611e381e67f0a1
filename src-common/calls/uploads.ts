/**
 * Uploads: a file the screen sends to the terminal in pages (a catalog CSV of 100,000 rows is several MB, more
 * than one message may carry, and parsing one huge message would hold the core's event loop). The file lands in
 * <dataDir>/uploads/; the call that uses it (e.g. catalog.importCsv) names it by its id.
 */
import { z } from 'zod';
import { call, Managers, type CallSpec } from './spec';

/**
 * A page's size. Each page is one WebSocket message the core receives, unmasks (ws does that in JavaScript: its
 * native helper is not bundled), decodes, parses and appends to the file in one turn of its event loop. Pages of
 * 256K characters (~0.8 MB of a Chinese catalog's UTF-8) held the loop 14–28 ms each in the stress test; at 64K it is
 * a few ms, and no stall of the upload stood out from the rest.
 */
export const UPLOAD_PAGE_CHARS = 64 * 1024;
export const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

export const UploadId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'an upload id');
export const UploadPurpose = z.enum(['catalog-csv']);

export const uploadsCalls = {
  'upload.begin': call({
    input: () => z.object({ purpose: UploadPurpose, bytes: z.number().int().min(1).max(UPLOAD_MAX_BYTES) }).strict(),
    output: () => z.object({ uploadId: UploadId, pageChars: z.number().int() }),
    access: Managers,
    summary: 'Start sending a file (its size in UTF-8 bytes) in pages; it belongs to this screen until used or abandoned',
  }),
  'upload.page': call({
    input: () => z.object({ uploadId: UploadId, seq: z.number().int().nonnegative(), text: z.string().min(1).max(UPLOAD_PAGE_CHARS) }).strict(),
    output: () => z.object({ received: z.number().int(), bytes: z.number().int() }),
    access: Managers,
    summary: 'One page of text of an upload, in order (seq 0, 1, 2 …); a repeated page is refused',
  }),
} as const satisfies Record<string, CallSpec>;

export const uploadsEvents = {} as const satisfies Record<string, z.ZodType>;
