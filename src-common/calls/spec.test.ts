import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calls } from '../contract';
import { call, Staff } from './spec';

describe('a call’s schemas', () => {
  it('are built when first used, once', () => {
    let built = 0;
    const spec = call({
      input: () => {
        built += 1;
        return z.object({ n: z.number().int() }).strict();
      },
      output: () => {
        built += 10;
        return z.null();
      },
      access: Staff,
      summary: 'a test call',
    });
    expect(built).toBe(0);
    expect(spec.input.safeParse({ n: 1 }).success).toBe(true);
    expect(spec.input.safeParse({ n: 1.5 }).success).toBe(false);
    expect(built).toBe(1);
    expect(spec.output.parse(null)).toBeNull();
    expect(spec.input).toBe(spec.input);
    expect(built).toBe(11);
    expect(spec.access).toEqual(Staff);
  });

  it('build for every call of the contract (a declaration that throws is found here, not at a till’s first use)', () => {
    const broken: string[] = [];
    for (const [name, spec] of Object.entries(calls)) {
      try {
        if (!(spec.input instanceof z.ZodType) || !(spec.output instanceof z.ZodType)) broken.push(name);
      } catch (error) {
        broken.push(`${name}: ${String(error)}`);
      }
    }
    expect(broken).toEqual([]);
    expect(Object.keys(calls).length).toBeGreaterThan(150);
  });
});
