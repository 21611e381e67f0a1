import { describe, expect, it } from 'vitest';
import { constraintOnShard } from './facts';

// A Citus worker's unique violation reaches the server named in its message only, by the shard's constraint; the
// upload's refusal names the table's (test/integration/server-facts.test.ts checks it on a real PostgreSQL).
describe('constraintOnShard', () => {
  it("names the table's constraint from a shard's", () => {
    expect(constraintOnShard('duplicate key value violates unique constraint "sale_tender_pkey_102345"')).toBe('sale_tender_pkey');
    expect(constraintOnShard('duplicate key value violates unique constraint "sale_line_pkey_102008"')).toBe('sale_line_pkey');
  });

  it('keeps a name without a shard id as it is, and gives nothing for another message', () => {
    expect(constraintOnShard('duplicate key value violates unique constraint "e_receipt_pkey"')).toBe('e_receipt_pkey');
    expect(constraintOnShard('duplicate key value violates unique constraint "promotion_key_2"')).toBe('promotion_key_2');
    expect(constraintOnShard('new row for relation "product" violates check constraint "product_price_check"')).toBeUndefined();
    expect(constraintOnShard(undefined)).toBeUndefined();
  });
});
