/** Messages of the kiosk area, under the top-level key `kiosk`: zh-CN first, English with the same keys. */
export const kioskZhCN = {} as const;

export const kioskEn: { [K in keyof typeof kioskZhCN]: unknown } = {};
