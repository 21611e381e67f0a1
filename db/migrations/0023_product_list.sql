-- The owner's product list (issue 16) pages the catalog by SKU, on sale or deactivated: this index lets a page of
-- 100,000 products skip rows in the index alone (the rowid is in it), and counts each status without the table.
CREATE INDEX product_active_sku ON product (active, sku);
