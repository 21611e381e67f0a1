/**
 * Messages only assistive technology reads (screen readers): a screen's main heading where its title is shown in
 * another form, and the names of columns whose header cell shows nothing. Under the top-level key `a11y`.
 */
export const a11yZhCN = {
  kioskShop: '选购商品',
  saleLines: '本单商品',
  columns: {
    actions: '操作',
    source: '来源',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const a11yEn: Widen<typeof a11yZhCN> = {
  kioskShop: 'Choose your items',
  saleLines: 'Items in this sale',
  columns: {
    actions: 'Actions',
    source: 'Source',
  },
};
