/**
 * The owner's product editor on the till (issue 16): add and change products, deactivate them, keep the
 * categories; every change audited in the transaction that makes it. While the till is enrolled with a store
 * server these calls are refused before they reach here (areas/sync.ts guardServerOwned).
 */
import type { Database } from 'better-sqlite3';
import type { CategoryView, ProductInput, ProductPage, ProductStatusFilter } from '../../src-common/calls/catalog';
import { DEFAULT_WEIGHED_LAYOUT } from '../../src-common/barcode';
import { PosError } from '../../src-common/errors';
import type { Caller } from '../../src-common/roles';
import type { Product } from '../../src-common/schemas';
import { newId } from '../../db/ids';
import {
  findCategoryById,
  findCategoryByName,
  findProductByBarcode,
  findProductById,
  findProductByPlu,
  findProductBySku,
  insertProduct,
  listCategoriesWithCounts,
  listProductPage,
  renameCategory,
  searchInactiveProducts,
  setCategoryOrder,
  setProductActive,
  setProductBarcodes,
  updateProduct,
  type ProductFields,
} from '../../db/queries/catalog';
import { stmt } from '../../db/statements';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import { barcodeKey, toProduct, type CatalogService } from './catalog';
import { displayBarcode, formatTaxRate, parseBarcodes } from './catalog-csv';
import { pinyinInitials } from './catalog-search';

export interface CatalogEditor {
  list(input: { query?: string | undefined; status?: ProductStatusFilter | undefined; categoryId?: string | undefined; offset?: number | undefined; limit?: number | undefined }): Promise<ProductPage>;
  categories(): CategoryView[];
  save(productId: string | undefined, input: ProductInput, actor: Caller): Promise<Product>;
  setActive(productId: string, active: boolean, actor: Caller): Promise<Product>;
  addCategory(name: string, actor: Caller): CategoryView;
  renameCategory(categoryId: string, name: string, actor: Caller): CategoryView;
  reorderCategories(categoryIds: readonly string[], actor: Caller): CategoryView[];
}

const PAGE_SIZE = 50;
/** A search shows at most this many products (the index's best matches); a person narrows it by typing more. */
const SEARCH_LIMIT = 100;

const FIELD_OF: Readonly<Record<keyof ProductFields, string>> = {
  sku: 'sku',
  name: 'name',
  name_en: 'nameEn',
  price: 'price',
  tax_rate_bp: 'taxRate',
  unit: 'unit',
  category_id: 'category',
  active: 'active',
  pinyin_initials: 'name',
  plu: 'plu',
};

export function createCatalogEditor(deps: {
  db: Database;
  clock: Clock;
  audit: AuditService;
  catalog: Pick<CatalogService, 'search' | 'whenIndexed' | 'refreshIndex'>;
  /** The shop's tax rates (technician settings); empty: any rate. */
  allowedTaxRatesBp: () => readonly number[];
  /** EAN-13 prefixes the shop's scales print: such a code cannot be a product's barcode. */
  weighedPrefixes?: readonly string[];
}): CatalogEditor {
  const { db, clock, audit, catalog } = deps;
  const weighedPrefixes = deps.weighedPrefixes ?? DEFAULT_WEIGHED_LAYOUT.prefixes;

  const categoryView = (id: string): CategoryView => {
    const found = listCategoriesWithCounts(db).find((c) => c.id === id);
    if (!found) throw new PosError('not_found', 'No such category', { reason: 'category_not_found' });
    return found;
  };

  const refuseName = (name: string, except?: string) => {
    const other = findCategoryByName(db, name);
    if (other && other.id !== except) throw new PosError('conflict', `There is already a category named ${name}`, { reason: 'category_exists', name });
  };

  /** The typed barcodes as canonical keys, each checked; a code another product carries names that product. */
  function barcodeKeys(typed: readonly string[], productId: string | undefined): string[] {
    const keys: string[] = [];
    for (const code of typed) {
      const parsed = parseBarcodes(code, weighedPrefixes);
      if (!parsed.ok || parsed.value.length !== 1) {
        throw new PosError('validation_failed', parsed.ok ? `barcode ${code} is not one barcode` : parsed.message, { reason: 'bad_barcode', barcode: code });
      }
      const key = parsed.value[0]!;
      if (keys.includes(key)) continue;
      const owner = findProductByBarcode(db, key);
      if (owner && owner.id !== productId) {
        throw new PosError('conflict', `Barcode ${displayBarcode(key)} already belongs to ${owner.name} (SKU ${owner.sku})`, {
          reason: 'barcode_taken',
          barcode: displayBarcode(key),
          productId: owner.id,
          productName: owner.name,
          sku: owner.sku,
        });
      }
      keys.push(key);
    }
    return keys;
  }

  function checkUnique(input: ProductInput, plu: string | null, productId: string | undefined): void {
    const skuOwner = findProductBySku(db, input.sku);
    if (skuOwner && skuOwner.id !== productId) {
      throw new PosError('conflict', `SKU ${input.sku} already belongs to ${skuOwner.name}`, { reason: 'sku_taken', sku: input.sku, productName: skuOwner.name });
    }
    if (plu !== null) {
      const pluOwner = findProductByPlu(db, plu);
      if (pluOwner && pluOwner.id !== productId) {
        throw new PosError('conflict', `PLU ${plu} already belongs to ${pluOwner.name} (SKU ${pluOwner.sku})`, { reason: 'plu_taken', plu, productName: pluOwner.name, sku: pluOwner.sku });
      }
    }
    const rates = deps.allowedTaxRatesBp();
    if (rates.length && !rates.includes(input.taxRateBp)) {
      throw new PosError('validation_failed', `Tax rate ${formatTaxRate(input.taxRateBp)} is not one of the shop's rates (${rates.map(formatTaxRate).join(', ')})`, {
        reason: 'tax_rate_not_allowed',
      });
    }
    if (input.categoryId !== null && !findCategoryById(db, input.categoryId)) throw new PosError('not_found', 'No such category', { reason: 'category_not_found' });
  }

  const product = (id: string): Product => {
    const record = findProductById(db, id);
    if (!record) throw new PosError('not_found', 'No such product', { reason: 'product_not_found' });
    return toProduct(record);
  };

  return {
    async list({ query, status = 'all', categoryId, offset = 0, limit = PAGE_SIZE }) {
      const text = query?.trim() ?? '';
      if (!text) {
        const page = listProductPage(db, { status, categoryId, offset, limit });
        return { products: page.rows.map(toProduct), total: page.total, offset };
      }
      // A search: the cashier's index (active products, best match first), then inactive ones that match.
      let found: Product[] = [];
      if (status !== 'inactive') {
        await catalog.whenIndexed();
        found = await catalog.search(text, SEARCH_LIMIT);
      }
      if (status !== 'active') found = [...found, ...searchInactiveProducts(db, text, barcodeKey(text), SEARCH_LIMIT).map(toProduct)];
      if (categoryId !== undefined) found = found.filter((p) => p.categoryId === categoryId);
      return { products: found.slice(offset, offset + limit), total: found.length, offset };
    },

    categories: () => listCategoriesWithCounts(db),

    async save(productId, input, actor) {
      const at = clock.now().toISOString();
      const plu = input.plu === null ? null : input.plu.padStart(5, '0');
      const saved = db
        .transaction((): string => {
          const existing = productId === undefined ? null : findProductById(db, productId);
          if (productId !== undefined && !existing) throw new PosError('not_found', 'No such product', { reason: 'product_not_found' });
          checkUnique(input, plu, productId);
          const keys = barcodeKeys(input.barcodes, productId);
          const fields: ProductFields = {
            sku: input.sku,
            name: input.name,
            name_en: input.nameEn || null,
            price: input.price,
            tax_rate_bp: input.taxRateBp,
            unit: input.unit,
            category_id: input.categoryId,
            active: existing?.active ?? 1,
            // Computed on write, as the importer does, so a search never runs pinyin per keystroke.
            pinyin_initials: existing && existing.name === input.name ? existing.pinyin_initials : pinyinInitials(input.name),
            plu,
          };
          if (!existing) {
            const id = newId(clock.now().getTime());
            insertProduct(db, { id, ...fields, created_at: at, updated_at: at });
            setProductBarcodes(db, id, keys);
            audit.record({ actor, action: 'catalog.addProduct', subject: id, details: { sku: input.sku, name: input.name, price: input.price } });
            return id;
          }
          const changed = [...new Set((Object.keys(fields) as (keyof ProductFields)[]).filter((k) => fields[k] !== existing[k]).map((k) => FIELD_OF[k]))];
          const barcodesChanged = keys.length !== existing.barcodes.length || keys.some((k, i) => k !== existing.barcodes[i]);
          if (barcodesChanged) changed.push('barcodes');
          if (changed.length === 0) return existing.id;
          updateProduct(db, existing.id, fields, at);
          if (barcodesChanged) setProductBarcodes(db, existing.id, keys);
          audit.record({
            actor,
            action: 'catalog.updateProduct',
            subject: existing.id,
            details: { sku: input.sku, changed, ...(existing.price !== input.price ? { priceFrom: existing.price, priceTo: input.price } : {}) },
          });
          return existing.id;
        })
        .immediate();
      await catalog.refreshIndex();
      return product(saved);
    },

    async setActive(productId, active, actor) {
      db.transaction(() => {
        const existing = findProductById(db, productId);
        if (!existing) throw new PosError('not_found', 'No such product', { reason: 'product_not_found' });
        if ((existing.active === 1) === active) return;
        setProductActive(db, productId, active, clock.now().toISOString());
        audit.record({ actor, action: active ? 'catalog.reactivate' : 'catalog.deactivate', subject: productId, details: { sku: existing.sku, name: existing.name } });
      }).immediate();
      await catalog.refreshIndex();
      return product(productId);
    },

    addCategory(name, actor) {
      const id = newId(clock.now().getTime());
      db.transaction(() => {
        refuseName(name);
        stmt(db, 'INSERT INTO category (id, name, sort) VALUES (?, ?, (SELECT coalesce(max(sort), 0) + 1 FROM category))').run(id, name);
        audit.record({ actor, action: 'catalog.addCategory', subject: id, details: { name } });
      }).immediate();
      return categoryView(id);
    },

    renameCategory(categoryId, name, actor) {
      db.transaction(() => {
        const existing = findCategoryById(db, categoryId);
        if (!existing) throw new PosError('not_found', 'No such category', { reason: 'category_not_found' });
        if (existing.name === name) return;
        refuseName(name, categoryId);
        renameCategory(db, categoryId, name);
        audit.record({ actor, action: 'catalog.renameCategory', subject: categoryId, details: { from: existing.name, to: name } });
      }).immediate();
      // Products carry their category's name in the search index.
      void catalog.refreshIndex();
      return categoryView(categoryId);
    },

    reorderCategories(categoryIds, actor) {
      db.transaction(() => {
        const current = listCategoriesWithCounts(db).map((c) => c.id);
        const given = new Set(categoryIds);
        if (given.size !== categoryIds.length || given.size !== current.length || current.some((id) => !given.has(id))) {
          throw new PosError('validation_failed', 'Give every category exactly once', { reason: 'category_order_incomplete' });
        }
        setCategoryOrder(db, categoryIds);
        audit.record({ actor, action: 'catalog.reorderCategories', subject: null, details: { count: categoryIds.length } });
      }).immediate();
      return listCategoriesWithCounts(db);
    },
  };
}
