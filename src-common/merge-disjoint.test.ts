import { describe, expect, it } from 'vitest';
import { calls, callsByArea, coreEvents, events } from './contract';
import { DuplicateNameError, mergeDisjoint } from './merge-disjoint';

describe('mergeDisjoint', () => {
  it('merges areas whose names differ', () => {
    const merged = mergeDisjoint('call', { a: { 'x.one': 1 }, b: { 'x.two': 2 } });
    expect(merged).toEqual({ 'x.one': 1, 'x.two': 2 });
  });

  it('refuses a name two areas declare, naming the name and both areas', () => {
    const merge = () => mergeDisjoint('call', { core: { 'sale.current': 1, 'a.b': 1 }, owner: { 'report.x': 2 }, kiosk: { 'sale.current': 3 } });
    expect(merge).toThrow(DuplicateNameError);
    expect(merge).toThrow('call declared by more than one area: sale.current (core, kiosk)');
  });

  it('the contract holds every area’s calls, none overridden', () => {
    const areaSizes = Object.values(callsByArea).map((c) => Object.keys(c).length);
    expect(areaSizes.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(calls)).toHaveLength(areaSizes.reduce((a, b) => a + b, 0));
    expect(Object.keys(events).length).toBeGreaterThanOrEqual(Object.keys(coreEvents).length);
  });
});
