/**
 * USB HID POS scanners (usage page 0x8C "Bar Code Scanner", usage 0x02; peers.md §6.3): input reports in,
 * scan events out. Pure: the transport (node-hid) pushes each input report as it reads it.
 *
 * Report layout, as peers.md §6.3 gives it for Honeywell / Zebra / Datalogic (NielsLeenheer/WebHidBarcodeScanner)
 * and as recorded from a Honeywell Voyager 1602g (HenkVanAsselt/python_hon_usbhid README). peers.md counts
 * bytes without the report ID (WebHID hands the ID over separately): "byte 0 = length, bytes 1–3 = AIM,
 * data at 4, byte 60 = Honeywell code ID, byte 62 ≠ 0 = more reports follow"; its "(or 2–4)" is the same
 * layout counted with the ID, which is how node-hid / hidapi deliver numbered reports and how this module
 * counts (64 bytes):
 *
 * | byte  | content                                                                  |
 * |-------|--------------------------------------------------------------------------|
 * | 0     | report ID 0x02 (Scanned Data Report)                                     |
 * | 1     | number of data bytes in this report, 0–56 (the AIM identifier not counted) |
 * | 2–4   | AIM symbology identifier, `]` + code + modifier (e.g. `5D 45 30` = `]E0`)   |
 * | 5–60  | data bytes (56), zero-padded after the length                            |
 * | 61    | vendor symbology code (Honeywell code ID, e.g. 0x64 EAN-13); not used     |
 * | 62    | reserved                                                                 |
 * | 63    | ≠ 0: more reports of this scan follow; 0: the last (or only) report      |
 *
 * The AIM identifier sits at the start of the report, before the data, not at its end: the bytes at the end
 * are the vendor code and the continuation flag. A long code comes as several reports, each with its length,
 * the AIM identifier repeated (the first one is used) and the flag set on all but the last; the data parts
 * are joined. A trailing CR (also LF, CR LF or Tab: the suffix a scanner may still append in HID POS mode)
 * is stripped from the joined data, as peers.md §6.3 says of CR.
 *
 * Dropped:
 * - a report with another report ID: 'garbage' (a scan being assembled is kept: that report is not part of it);
 * - a report 2 that is not 64 bytes or whose length byte exceeds 56: 'garbage', together with the reports of
 *   the scan it interrupts. The reports after it, up to the next last report, are dropped as 'garbage' too
 *   when it interrupted a scan or cannot say it was a last report: they may be the tail of a scan whose start
 *   is lost. That can cost the next scan (the cashier scans again) but never yields a wrong code;
 * - a scan over `maxLength` data bytes: 'overlong', once, as soon as it passes the limit; its remaining
 *   reports are discarded up to its last one;
 * - control bytes other than GS, or bytes the encoding cannot decode, in the data: 'garbage';
 * - a last report that leaves no data: 'empty'.
 *
 * A WebHID caller prepends `event.reportId` to `event.data` before pushing.
 */
import { identifyScan, isAim, symbologyOfAim } from './aim';
import { concatBytes, createScanDecoder, SCAN_ENCODINGS, type ScanEncoding, type ScanEvent } from './scan-event';

export type { ScanEvent, ScanEncoding } from './scan-event';

export const HID_POS_USAGE_PAGE = 0x8c;
export const HID_POS_USAGE_SCANNER = 0x02;

/** Byte offsets of a Scanned Data Report as node-hid delivers it (report ID first). */
export const HID_POS_REPORT = Object.freeze({
  id: 0x02,
  size: 64,
  lengthAt: 1,
  aimAt: 2,
  aimLength: 3,
  dataAt: 5,
  dataCapacity: 56,
  vendorSymbologyAt: 61,
  moreAt: 63,
});

/** Default longest scan in bytes, over all its reports: a QR code holds at most 2953 bytes. */
export const DEFAULT_MAX_HID_SCAN_LENGTH = 4096;

export interface HidPosAssemblerOptions {
  /** Default 'ascii'. */
  encoding?: ScanEncoding;
  /** Longest scan in bytes over all its reports (default 4096). */
  maxLength?: number;
}

export interface HidPosAssembler {
  /** Feeds one input report (report ID first); returns the events it completes (none until a last report). */
  push(report: Uint8Array): ScanEvent[];
  /** Forgets a scan being assembled (e.g. after the device reopens). */
  reset(): void;
}

interface Pending {
  /**
   * scan: being assembled; overlong: dropped already, waiting for its last report; orphan: reports that may be
   * the rest of a scan whose start was lost to a malformed report, dropped at their last report.
   */
  mode: 'scan' | 'overlong' | 'orphan';
  aim: string | null;
  parts: Uint8Array[];
  /** Data bytes so far. */
  size: number;
  /** The reports so far, for `raw` (none kept once the scan is overlong). */
  reports: Uint8Array[];
}

const TRAILING_SUFFIX = [
  [0x0d, 0x0a],
  [0x0d],
  [0x0a],
  [0x09],
] as const;

function stripSuffix(data: Uint8Array): Uint8Array {
  for (const s of TRAILING_SUFFIX) {
    if (data.length >= s.length && s.every((b, i) => data[data.length - s.length + i] === b)) return data.subarray(0, data.length - s.length);
  }
  return data;
}

/** The AIM identifier in bytes 2–4, or null when they are not one (zeros from a scanner that sends none). */
function aimOf(report: Uint8Array): string | null {
  const { aimAt, aimLength } = HID_POS_REPORT;
  const aim = String.fromCharCode(...report.subarray(aimAt, aimAt + aimLength));
  return isAim(aim) ? aim : null;
}

export function createHidPosAssembler(options: HidPosAssemblerOptions = {}): HidPosAssembler {
  const encoding = options.encoding ?? 'ascii';
  if (!SCAN_ENCODINGS.includes(encoding)) throw new RangeError(`unknown encoding ${JSON.stringify(encoding as unknown)}`);
  const decode = createScanDecoder(encoding);
  const maxLength = options.maxLength ?? DEFAULT_MAX_HID_SCAN_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${String(maxLength)}`);
  const L = HID_POS_REPORT;
  let pending: Pending | null = null;

  const finish = (p: Pending): ScanEvent => {
    const raw = concatBytes(p.reports);
    const text = decode(stripSuffix(concatBytes(p.parts)));
    if (text === null) return { kind: 'dropped', reason: 'garbage', raw };
    // The identifier came apart from the data; without one, infer only what is safe (aim.ts).
    const scan = p.aim === null ? identifyScan(text, false) : { symbology: symbologyOfAim(p.aim, text), aim: p.aim, data: text };
    if (scan.data.length === 0) return { kind: 'dropped', reason: 'empty', raw };
    return { kind: 'scan', data: scan.data, symbology: scan.symbology, aim: scan.aim, raw };
  };

  const start = (mode: Pending['mode'], aim: string | null): Pending => ({ mode, aim, parts: [], size: 0, reports: [] });

  return {
    push(input) {
      const report = input.slice();
      if (report.length === 0) return []; // an empty read is no report
      if (report[0] !== L.id) return [{ kind: 'dropped', reason: 'garbage', raw: report }];
      const length = report[L.lengthAt] ?? 0;
      if (report.length !== L.size || length > L.dataCapacity) {
        const raw = concatBytes([...(pending?.reports ?? []), report]);
        // The reports that follow may be the rest of an interrupted scan: joined alone they would make a wrong
        // code, so they are dropped up to a last report, unless this report was plainly the last of its own.
        const saysLast = report.length >= L.size && report[L.moreAt] === 0;
        pending = pending !== null || !saysLast ? start('orphan', null) : null;
        return [{ kind: 'dropped', reason: 'garbage', raw }];
      }
      const out: ScanEvent[] = [];
      const p: Pending = pending ?? start('scan', aimOf(report));
      pending = p;
      if (p.mode !== 'overlong' && p.size <= maxLength) {
        p.reports.push(report);
        p.parts.push(report.subarray(L.dataAt, L.dataAt + length));
      }
      p.size += length;
      if (p.mode === 'scan' && p.size > maxLength) {
        out.push({ kind: 'dropped', reason: 'overlong', raw: concatBytes(p.reports) });
        p.mode = 'overlong';
        p.parts = [];
        p.reports = [];
      }
      if (report[L.moreAt] !== 0) return out;
      pending = null;
      if (p.mode === 'scan') out.push(finish(p));
      else if (p.mode === 'orphan') out.push({ kind: 'dropped', reason: 'garbage', raw: concatBytes(p.reports) });
      return out;
    },
    reset() {
      pending = null;
    },
  };
}
