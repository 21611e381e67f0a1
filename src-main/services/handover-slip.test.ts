import { describe, expect, it } from 'vitest';
import type { ShiftView } from '../../src-common/calls/owner';
import { layoutHandoverSlip, type HandoverSlip } from './handover-slip';

const closed: ShiftView = {
  shiftId: 'S1',
  openedAt: '2026-12-05T00:30:00.000Z',
  openedBy: { id: 'C1', name: '收银员 01' },
  closedAt: '2026-12-05T06:05:00.000Z',
  closedBy: { id: 'C1', name: '收银员 01' },
  blind: false,
  cash: { float: 20_000, tendered: 5_000, change: 1_234, kept: 3_766, cashRefunds: 300, cashIn: 1_000, cashOut: 2_000, expected: 22_466 },
  counted: 22_400,
  overShort: -66,
  note: null,
  movements: [],
};
const opened: ShiftView = { ...closed, shiftId: 'S2', openedAt: '2026-12-05T06:05:00.000Z', openedBy: { id: 'O', name: '店长' }, closedAt: null, closedBy: null, blind: true, cash: null, counted: null, overShort: null };
const slip: HandoverSlip = {
  closed,
  opened,
  nextFloat: 10_000,
  currency: 'CNY',
  sales: { count: 3, total: 8_766 },
  tenders: [
    { kind: 'cash', count: 2, amount: 3_766 },
    { kind: 'wechat', count: 1, amount: 5_000 },
  ],
};

const lines = (s: HandoverSlip, language: 'zh-CN' | 'en') =>
  layoutHandoverSlip(s, 32, language, 'Asia/Shanghai').map((b) => (b.kind === 'text' ? b.text.trimEnd() : '-'));

describe('the handover slip', () => {
  it('says who handed over to whom, when, and the shift’s money to the fen, in the store’s time', () => {
    const zh = lines(slip, 'zh-CN');
    expect(zh[0]).toBe('交接班单');
    expect(zh).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^交班 +收银员 01$/),
        expect.stringMatching(/^接班 +店长$/),
        expect.stringMatching(/^开班 +2026-12-05 08:30$/),
        expect.stringMatching(/^交班时间 +2026-12-05 14:05$/),
        expect.stringMatching(/^备用金 +¥200\.00$/),
        expect.stringMatching(/^销售笔数 +3$/),
        expect.stringMatching(/^销售额 +¥87\.66$/),
        expect.stringMatching(/^现金 ×2 +¥37\.66$/),
        expect.stringMatching(/^微信支付 ×1 +¥50\.00$/),
        expect.stringMatching(/^现金退款 +-¥3\.00$/),
        expect.stringMatching(/^应有现金 +¥224\.66$/),
        expect.stringMatching(/^实点现金 +¥224\.00$/),
        expect.stringMatching(/^长短款 +-¥0\.66$/),
        expect.stringMatching(/^接班备用金 +¥100\.00$/),
      ]),
    );
    expect(lines(slip, 'en')).toEqual(expect.arrayContaining([expect.stringMatching(/^Over\/short +-¥0\.66$/), expect.stringMatching(/^Taken over by +店长$/)]));
  });

  it('keeps a cashier’s name or note from driving the printer', () => {
    const hostile = { ...slip, closed: { ...closed, openedBy: { id: 'C1', name: '\x1bd\x01收银员' }, note: '钱箱 '.repeat(20) } };
    for (const line of lines(hostile, 'zh-CN')) {
      expect([...line].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    }
  });
});
