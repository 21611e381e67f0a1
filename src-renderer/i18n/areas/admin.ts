/** Messages of the admin area, under the top-level key `admin`: zh-CN first, English with the same keys. */
export const adminZhCN = {} as const;

export const adminEn: { [K in keyof typeof adminZhCN]: unknown } = {};
