/**
 * The catalog search index, built in the SQL worker and handed to the core: the gram lists in one transferred
 * message, the products and their fields in slices the core asks for one at a time, so no single message
 * takes the core's loop for more than a few milliseconds to read.
 */
import type { Product } from '../../src-common/schemas';
import { addExactLookups, catalogSearchIndexFrom, type CatalogSearchIndex, type ExactLookups, type SearchIndexOptions } from '../services/catalog-search';
import type { SqlWorkerClient } from './client';

/** Products per slice: ~1 ms of the core's loop to read and add to the exact lookups (bench: 2,000 gave a p99 loop delay of 20 ms on a loaded machine). */
export const INDEX_SLICE = 500;

export async function catalogIndexFromWorker(worker: SqlWorkerClient, options: SearchIndexOptions): Promise<CatalogSearchIndex> {
  const head = await worker.run('catalog.searchIndex', {});
  const products: Product[] = [];
  const names: string[] = [];
  const namesEn: string[] = [];
  const skus: string[] = [];
  const initials: string[] = [];
  const lookups: ExactLookups = { byBarcode: new Map(), bySku: new Map() };
  for (let from = 0; from < head.count; from += INDEX_SLICE) {
    const slice = await worker.run('catalog.searchSlice', { token: head.token, from, to: Math.min(head.count, from + INDEX_SLICE) });
    addExactLookups(lookups, slice.products, slice.skus, from);
    for (let i = 0; i < slice.products.length; i++) {
      products.push(slice.products[i]!);
      names.push(slice.names[i]!);
      namesEn.push(slice.namesEn[i]!);
      skus.push(slice.skus[i]!);
      initials.push(slice.initials[i]!);
    }
  }
  return catalogSearchIndexFrom({ products, names, namesEn, skus, initials, bits: head.bits, bucketStart: head.bucketStart, postings: head.postings }, { ...options, lookups });
}
