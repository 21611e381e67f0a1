import { UPLOAD_PAGE_CHARS, type uploadsCalls } from '../../src-common/calls/uploads';
import type { UploadsService } from '../services/uploads';
import type { Area } from './context';

export function createUploadsArea(uploads: UploadsService): Area<typeof uploadsCalls> {
  return {
    handlers: {
      'upload.begin': async ({ purpose, bytes }, session) => ({ ...(await uploads.begin(purpose, bytes, session)), pageChars: UPLOAD_PAGE_CHARS }),
      'upload.page': ({ uploadId, seq, text }, session) => uploads.page(uploadId, seq, text, session),
    },
    close: () => uploads.close(),
  };
}
