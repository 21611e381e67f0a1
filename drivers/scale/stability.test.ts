import { describe, expect, it } from 'vitest';
import { createStabilityDetector } from './stability';

describe('stable weight from equal readings', () => {
  it('is stable after N equal readings within the window, not before', () => {
    const d = createStabilityDetector({ samples: 3, windowMs: 1000, toleranceGrams: 0 });
    expect([d.push(500, 0), d.push(500, 100), d.push(500, 200), d.push(500, 300)]).toEqual([false, false, true, true]);
  });
  it('starts again when the weight moves, even back to an earlier value', () => {
    const d = createStabilityDetector({ samples: 3, windowMs: 1000, toleranceGrams: 0 });
    d.push(500, 0);
    d.push(500, 100);
    expect(d.push(520, 200)).toBe(false);
    expect(d.push(500, 300)).toBe(false);
    expect(d.push(500, 400)).toBe(false);
    expect(d.push(500, 500)).toBe(true);
  });
  it('needs the N readings within the window', () => {
    const d = createStabilityDetector({ samples: 3, windowMs: 250, toleranceGrams: 0 });
    expect([d.push(500, 0), d.push(500, 200), d.push(500, 400)]).toEqual([false, false, false]);
    expect(d.push(500, 500)).toBe(false);
    expect(d.push(500, 600)).toBe(true);
  });
  it('takes readings within the tolerance as equal', () => {
    const d = createStabilityDetector({ samples: 3, windowMs: 1000, toleranceGrams: 2 });
    expect([d.push(500, 0), d.push(502, 100), d.push(499, 200)]).toEqual([false, false, true]);
  });
});
