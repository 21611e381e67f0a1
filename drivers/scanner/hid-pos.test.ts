import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPaymentCode } from '../../src-common/payment-code';
import { isAim } from './aim';
import {
  EAN13_REPORTS,
  hexBytes,
  LENGTH_BEYOND_REPORTS,
  PAYMENT_CODE,
  PAYMENT_CODE_REPORTS,
  QR_URL,
  QR_URL_REPORTS,
  TRUNCATED_REPORTS,
  WRONG_ID_REPORTS,
} from './fixtures/hid-reports';
import { createHidPosAssembler, HID_POS_REPORT, type HidPosAssembler, type ScanEvent } from './hid-pos';
import { concatBytes } from './scan-event';

/** Written out here rather than taken from scan-event.ts, so a bug there cannot hide from the property. */
const hasForbiddenControl = (text: string): boolean =>
  [...text].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code !== 0x1d && (code <= 0x1f || (code >= 0x7f && code <= 0x9f));
  });

const reports = (hex: readonly string[]): Uint8Array[] => hex.map(hexBytes);
const feed = (a: HidPosAssembler, rs: readonly Uint8Array[]): ScanEvent[] => rs.flatMap((r) => a.push(r));
const brief = (events: ScanEvent[]) => events.map((e) => (e.kind === 'scan' ? { data: e.data, symbology: e.symbology, aim: e.aim } : { dropped: e.reason }));

/** A Scanned Data Report laid out as hid-pos.ts documents it. */
function report(data: Uint8Array | string, { aim = ']E0', more = false, id = 0x02, length }: { aim?: string; more?: boolean; id?: number; length?: number } = {}): Uint8Array {
  const body = typeof data === 'string' ? Uint8Array.from(data, (c) => c.charCodeAt(0)) : data;
  const r = new Uint8Array(HID_POS_REPORT.size);
  r[0] = id;
  r[1] = length ?? body.length;
  r.set(Uint8Array.from(aim, (c) => c.charCodeAt(0)), HID_POS_REPORT.aimAt);
  r.set(body, HID_POS_REPORT.dataAt);
  r[HID_POS_REPORT.moreAt] = more ? 1 : 0;
  return r;
}

/** `text` cut into 56-byte reports, the flag on all but the last. */
function reportsOf(text: string, aim: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < Math.max(1, text.length); i += HID_POS_REPORT.dataCapacity) {
    out.push(report(text.slice(i, i + HID_POS_REPORT.dataCapacity), { aim, more: i + HID_POS_REPORT.dataCapacity < text.length }));
  }
  return out;
}

describe('recorded-style fixtures', () => {
  it('are 64-byte reports except the truncated one', () => {
    for (const r of reports([...EAN13_REPORTS, ...QR_URL_REPORTS, ...PAYMENT_CODE_REPORTS, ...WRONG_ID_REPORTS, ...LENGTH_BEYOND_REPORTS])) {
      expect(r).toHaveLength(64);
    }
    expect(reports(TRUNCATED_REPORTS)[0]).toHaveLength(20);
  });

  it('an EAN-13 with the CR suffix stripped', () => {
    const rs = reports(EAN13_REPORTS);
    expect(feed(createHidPosAssembler(), rs)).toEqual([{ kind: 'scan', data: '6901939621608', symbology: 'ean13', aim: ']E0', raw: rs[0] }]);
  });

  it('a QR URL over three reports', () => {
    const a = createHidPosAssembler();
    const [r1, r2, r3] = reports(QR_URL_REPORTS);
    if (!r1 || !r2 || !r3) throw new Error('fixture');
    expect(a.push(r1)).toEqual([]);
    expect(a.push(r2)).toEqual([]);
    const events = a.push(r3);
    expect(events).toEqual([{ kind: 'scan', data: QR_URL, symbology: 'qr', aim: ']Q1', raw: concatBytes([r1, r2, r3]) }]);
  });

  it('a payment code, which the classifier then takes for WeChat Pay', () => {
    const events = feed(createHidPosAssembler(), reports(PAYMENT_CODE_REPORTS));
    expect(brief(events)).toEqual([{ data: PAYMENT_CODE, symbology: 'code128', aim: ']C0' }]);
    const [scan] = events;
    expect(scan?.kind === 'scan' && classifyPaymentCode(scan.data)).toEqual({ ok: true, wallet: 'wechat', kind: 'barcode' });
  });

  it('a report with the wrong report ID is dropped and does not disturb a scan in progress', () => {
    const a = createHidPosAssembler();
    const [wrong] = reports(WRONG_ID_REPORTS);
    const [r1, r2, r3] = reports(QR_URL_REPORTS);
    if (!wrong || !r1 || !r2 || !r3) throw new Error('fixture');
    expect(a.push(wrong)).toEqual([{ kind: 'dropped', reason: 'garbage', raw: wrong }]);
    expect(a.push(r1)).toEqual([]);
    expect(brief(a.push(wrong))).toEqual([{ dropped: 'garbage' }]);
    expect(a.push(r2)).toEqual([]);
    expect(brief(a.push(r3))).toEqual([{ data: QR_URL, symbology: 'qr', aim: ']Q1' }]);
  });

  it('a length beyond the report is dropped; the next scan reads normally', () => {
    const a = createHidPosAssembler();
    const [bad] = reports(LENGTH_BEYOND_REPORTS);
    if (!bad) throw new Error('fixture');
    expect(a.push(bad)).toEqual([{ kind: 'dropped', reason: 'garbage', raw: bad }]);
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: ']E0' }]);
  });

  it('a malformed report in the middle of a scan drops the scan and its tail, never a wrong code', () => {
    const a = createHidPosAssembler();
    const [r1, r2, r3] = reports(QR_URL_REPORTS);
    const [bad] = reports(LENGTH_BEYOND_REPORTS);
    if (!bad || !r1 || !r2 || !r3) throw new Error('fixture');
    expect(a.push(r1)).toEqual([]);
    expect(a.push(bad)).toEqual([{ kind: 'dropped', reason: 'garbage', raw: concatBytes([r1, bad]) }]);
    expect(a.push(r2)).toEqual([]);
    expect(a.push(r3)).toEqual([{ kind: 'dropped', reason: 'garbage', raw: concatBytes([r2, r3]) }]);
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: ']E0' }]);
  });

  it('a truncated report is dropped, and so is the report that may be its tail', () => {
    const a = createHidPosAssembler();
    expect(brief(feed(a, reports(TRUNCATED_REPORTS)))).toEqual([{ dropped: 'garbage' }]);
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ dropped: 'garbage' }]);
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: ']E0' }]);
  });
});

describe('createHidPosAssembler', () => {
  it('takes the AIM identifier from the start of the first report', () => {
    const a = createHidPosAssembler();
    const rs = [report('A'.repeat(56), { aim: ']C1', more: true }), report('B', { aim: ']C0' })];
    expect(brief(feed(a, rs))).toEqual([{ data: `${'A'.repeat(56)}B`, symbology: 'gs1-128', aim: ']C1' }]);
  });

  it('infers the symbology only when safe when the identifier bytes are empty', () => {
    const a = createHidPosAssembler();
    expect(brief(a.push(report('6901939621608', { aim: '\0\0\0' })))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
    expect(brief(a.push(report('134567890123450000', { aim: '\0\0\0' })))).toEqual([{ data: '134567890123450000', symbology: 'unknown', aim: null }]);
  });

  it('names ]E0 by the data length once the suffix is stripped', () => {
    const a = createHidPosAssembler();
    expect(brief(a.push(report('036000291452\r\n')))).toEqual([{ data: '036000291452', symbology: 'upca', aim: ']E0' }]);
    expect(brief(a.push(report('04252614\t')))).toEqual([{ data: '04252614', symbology: 'upce', aim: ']E0' }]);
  });

  it('keeps GS in GS1 data and drops other control bytes', () => {
    const a = createHidPosAssembler();
    expect(brief(a.push(report('0106901939621608\x1d10LOT42', { aim: ']d2' })))).toEqual([
      { data: '0106901939621608\x1d10LOT42', symbology: 'datamatrix', aim: ']d2' },
    ]);
    expect(brief(a.push(report('6901\x00939621608')))).toEqual([{ dropped: 'garbage' }]);
    expect(brief(a.push(report('6901939621608\r\r')))).toEqual([{ dropped: 'garbage' }]);
  });

  it('drops a report with no data as empty', () => {
    const a = createHidPosAssembler();
    expect(brief(a.push(report('')))).toEqual([{ dropped: 'empty' }]);
    expect(brief(a.push(report('\r')))).toEqual([{ dropped: 'empty' }]);
  });

  it('decodes UTF-8 and GB18030 when told to', () => {
    const utf8 = new TextEncoder().encode('https://example.cn/可口可乐');
    expect(brief(createHidPosAssembler({ encoding: 'utf8' }).push(report(utf8, { aim: ']Q1' })))).toEqual([
      { data: 'https://example.cn/可口可乐', symbology: 'qr', aim: ']Q1' },
    ]);
    expect(brief(createHidPosAssembler().push(report(utf8, { aim: ']Q1' })))).toEqual([{ dropped: 'garbage' }]);
    const gb = Uint8Array.of(0xbf, 0xc9, 0xbf, 0xda, 0xbf, 0xc9, 0xc0, 0xd6); // 可口可乐
    expect(brief(createHidPosAssembler({ encoding: 'gb18030' }).push(report(gb, { aim: ']Q1' })))).toEqual([
      { data: '可口可乐', symbology: 'qr', aim: ']Q1' },
    ]);
  });

  it('joins a code split at any multi-byte character', () => {
    const text = `https://example.cn/${'可口可乐'.repeat(10)}`; // 139 bytes in UTF-8
    const bytes = new TextEncoder().encode(text);
    const rs: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 56) rs.push(report(bytes.subarray(i, i + 56), { aim: ']Q1', more: i + 56 < bytes.length }));
    expect(rs).toHaveLength(3);
    expect(brief(feed(createHidPosAssembler({ encoding: 'utf8' }), rs))).toEqual([{ data: text, symbology: 'qr', aim: ']Q1' }]);
  });

  it('drops an overlong scan once and discards the rest of its reports', () => {
    const a = createHidPosAssembler({ maxLength: 100 });
    const rs = reportsOf('X'.repeat(56 * 4), ']Q1');
    expect(brief(a.push(rs[0] ?? new Uint8Array()))).toEqual([]);
    expect(brief(a.push(rs[1] ?? new Uint8Array()))).toEqual([{ dropped: 'overlong' }]);
    expect(a.push(rs[2] ?? new Uint8Array())).toEqual([]);
    expect(a.push(rs[3] ?? new Uint8Array())).toEqual([]);
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: ']E0' }]);
  });

  it('reset forgets a scan in progress', () => {
    const a = createHidPosAssembler();
    a.push(report('A'.repeat(56), { aim: ']Q1', more: true }));
    a.reset();
    expect(brief(feed(a, reports(EAN13_REPORTS)))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: ']E0' }]);
  });

  it('copies the reports it keeps', () => {
    const a = createHidPosAssembler();
    const r = report('6901939621608');
    const [event] = a.push(r);
    r.fill(0);
    expect(event?.raw).toEqual(report('6901939621608'));
  });

  it('refuses options it cannot work with', () => {
    expect(() => createHidPosAssembler({ maxLength: 0 })).toThrow(RangeError);
    expect(() => createHidPosAssembler({ encoding: 'latin1' as 'ascii' })).toThrow(RangeError);
  });

  it('gives back any text over any number of reports', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789ABCXYZabcxyz:/?&=.-_ \x1d'), minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(text, fc.constantFrom(']Q1', ']C0', ']d2', ']E0'), (t, aim) => {
        const events = feed(createHidPosAssembler(), reportsOf(t, aim));
        expect(brief(events)).toEqual([{ data: t, symbology: expect.any(String) as unknown, aim }]);
      }),
    );
  });

  it('random reports never throw and never make a scan with a control character', () => {
    const anyReport = fc.oneof(
      fc.uint8Array({ maxLength: 70 }),
      // Plausible reports: right ID and size, random length, flag and content.
      fc.uint8Array({ minLength: 64, maxLength: 64 }).map((r) => {
        r[0] = 2;
        return r;
      }),
      fc.tuple(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.integer({ min: 0, max: 56 }), fc.boolean()).map(([r, len, more]) => {
        r[0] = 2;
        r[1] = len;
        r[63] = more ? 1 : 0;
        return r;
      }),
    );
    fc.assert(
      fc.property(fc.array(anyReport, { maxLength: 12 }), fc.constantFrom('ascii' as const, 'utf8' as const, 'gb18030' as const), (rs, encoding) => {
        const events = feed(createHidPosAssembler({ encoding }), rs);
        for (const e of events) {
          expect(e.raw.length).toBeGreaterThan(0);
          if (e.kind !== 'scan') continue;
          expect(hasForbiddenControl(e.data)).toBe(false);
          expect(e.data.length).toBeGreaterThan(0);
          expect(e.aim === null || isAim(e.aim)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
