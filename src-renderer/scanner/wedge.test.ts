import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WedgeDetector } from './wedge';

function type(detector: WedgeDetector, text: string, start: number, gapMs: number, end = 'Enter') {
  let at = start;
  for (const ch of text) {
    detector.key(ch, at);
    at += gapMs;
  }
  return detector.key(end, at);
}

describe('keyboard wedge detection', () => {
  it('takes a fast burst ending in Enter as a scan', () => {
    expect(type(new WedgeDetector(), '6901939621608', 0, 8)).toEqual({ kind: 'scan', code: '6901939621608' });
  });

  it('takes a Tab-terminated burst as a scan', () => {
    expect(type(new WedgeDetector(), '6901939621608', 0, 5, 'Tab')).toEqual({ kind: 'scan', code: '6901939621608' });
  });

  it('ignores a person typing the same digits', () => {
    expect(type(new WedgeDetector(), '6901939621608', 0, 120)).toEqual({ kind: 'none' });
  });

  it('ignores short bursts', () => {
    expect(type(new WedgeDetector(), '123', 0, 5)).toEqual({ kind: 'none' });
  });

  it('starts over after a pause, so stray keys before a scan do not stick to it', () => {
    const d = new WedgeDetector();
    d.key('x', 0);
    expect(type(d, '6901939621608', 500, 6)).toEqual({ kind: 'scan', code: '6901939621608' });
  });

  it('lets Shift pass between characters of a scan', () => {
    const d = new WedgeDetector();
    let at = 0;
    for (const ch of 'ABC-1234') {
      d.key('Shift', at);
      d.key(ch, at + 1);
      at += 6;
    }
    expect(d.key('Enter', at)).toEqual({ kind: 'scan', code: 'ABC-1234' });
  });

  it('finds every fast scan and no slow typing (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{6,40}$/), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 80, max: 400 }), (code, fast, slow) => {
        expect(type(new WedgeDetector(), code, 1000, fast)).toEqual({ kind: 'scan', code });
        expect(type(new WedgeDetector(), code, 1000, slow)).toEqual({ kind: 'none' });
      }),
    );
  });
});
