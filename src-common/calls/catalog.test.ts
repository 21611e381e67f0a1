import { describe, expect, it } from 'vitest';
import { ProductInput } from './catalog';

const bun = { sku: 'BK1', name: '馒头', nameEn: null, price: 250, taxRateBp: 1300, unit: 'each', plu: null, categoryId: null, barcodes: [] };

describe('the product form as main accepts it', () => {
  it('takes a product, trimming what was typed', () => {
    expect(ProductInput.parse({ ...bun, name: ' 馒头 ', sku: ' BK1 ' })).toMatchObject({ name: '馒头', sku: 'BK1' });
  });

  it('refuses a name that could carry a printer command, a PLU on goods sold by the piece, a price in yuan or below zero', () => {
    expect(ProductInput.safeParse({ ...bun, name: '馒头\u001bi' }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, nameEn: 'Bun\u009b' }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, plu: '00012' }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, unit: 'kg', plu: '12' }).success).toBe(true);
    expect(ProductInput.safeParse({ ...bun, unit: 'kg', plu: '123456' }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, price: 2.5 }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, price: -1 }).success).toBe(false);
    expect(ProductInput.safeParse({ ...bun, price: 0 }).success).toBe(true);
  });
});
