/** Messages of the owner area, under the top-level key `owner`: zh-CN first, English with the same keys. */
export const ownerZhCN = {} as const;

export const ownerEn: { [K in keyof typeof ownerZhCN]: unknown } = {};
