/** Messages of the devices area, under the top-level key `devices`: zh-CN first, English with the same keys. */
export const devicesZhCN = {} as const;

export const devicesEn: { [K in keyof typeof devicesZhCN]: unknown } = {};
