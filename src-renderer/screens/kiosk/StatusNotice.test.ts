import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../../src-common/calls/kiosk';
import { problemsOf } from './StatusNotice';

const allWell: KioskStatus = { acquirer: 'online', printer: 'ready', scanner: 'ready', payByCode: true, payByQr: true, printReceipt: true };

describe('what the kiosk says before paying', () => {
  it('says nothing when everything works', () => {
    expect(problemsOf(allWell)).toEqual([]);
    expect(problemsOf(null)).toEqual([]);
    expect(problemsOf({ ...allWell, printer: 'none', scanner: 'none' })).toEqual([]);
  });

  it('names each problem once, the acquirer first', () => {
    expect(problemsOf({ ...allWell, acquirer: 'offline', printer: 'paper_out', payByCode: false, payByQr: false, printReceipt: false })).toEqual([
      'kiosk.status.offline',
      'kiosk.status.paperOut',
    ]);
    expect(problemsOf({ ...allWell, scanner: 'unavailable', payByCode: false })).toEqual(['kiosk.status.scannerDown']);
    expect(problemsOf({ ...allWell, acquirer: 'recovering', printer: 'unavailable' })).toEqual(['kiosk.status.recovering', 'kiosk.status.printerDown']);
  });
});
