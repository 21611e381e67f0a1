import type { PosClient } from '../../../../src-common/client';
import type { Result } from '../../../../src-common/errors';

/**
 * Sends a CSV to the terminal in pages (a 100,000-row catalog is several MB; a WebSocket frame stops at 1 MiB);
 * answers the upload's id, which one call (a preview or an import) then uses up.
 */
export async function uploadCsv(pos: PosClient, text: string): Promise<Result<{ uploadId: string }>> {
  const bytes = new TextEncoder().encode(text).length;
  const begun = await pos.call('upload.begin', { purpose: 'catalog-csv', bytes });
  if (!begun.ok) return begun;
  const { uploadId, pageChars } = begun.value;
  let seq = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + pageChars);
    // Never split a surrogate pair across pages.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    const page = await pos.call('upload.page', { uploadId, seq: seq++, text: text.slice(start, end) });
    if (!page.ok) return page;
    start = end;
  }
  return { ok: true, value: { uploadId } };
}
