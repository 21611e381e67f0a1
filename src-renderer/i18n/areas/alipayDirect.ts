/** Messages of the technician's Alipay direct settings (issue 18), under the top-level key `alipayDirect`: zh-CN first, English with the same keys. */
export const alipayDirectZhCN = {
  title: '支付宝直连应用设置',
  gatewayUrl: '网关地址 (https，…/gateway.do)',
  appId: '应用 APPID（16 位数字）',
  privateKeyPem: '应用私钥 (PEM, RSA2)',
  alipayPublicKeyPem: '支付宝公钥 (PEM)',
  caPem: '服务器 CA 证书（沙箱用，可留空）',
  save: '保存并加密存储',
  sealedNote: '应用私钥加密保存在本机，不会再次显示。每个应答都用支付宝公钥验签。',
};

export const alipayDirectEn: typeof alipayDirectZhCN = {
  title: 'Alipay direct: app settings',
  gatewayUrl: 'Gateway address (https, …/gateway.do)',
  appId: 'App ID (16 digits)',
  privateKeyPem: 'App private key (PEM, RSA2)',
  alipayPublicKeyPem: 'Alipay public key (PEM)',
  caPem: 'Server CA certificate (sandbox; may stay empty)',
  save: 'Save, sealed at rest',
  sealedNote: 'The app private key is sealed on this terminal and never shown again. Every reply is verified with the Alipay public key.',
};
