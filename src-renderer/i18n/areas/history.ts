/** Messages of the history area, under the top-level key `history`: zh-CN first, English with the same keys. */
export const historyZhCN = {} as const;

export const historyEn: { [K in keyof typeof historyZhCN]: unknown } = {};
