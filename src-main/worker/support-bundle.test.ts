import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { redactSecrets } from './support-bundle';

describe('support bundle configuration', () => {
  it('redacts every key, secret, token, PIN and activation code, wherever it sits, and keeps the rest', () => {
    const config = parseConfig({ acquirer: { vendorSn: 'VSN1', appId: 'APP' }, devices: [] });
    // A configuration never holds the vendor key or an activation code (config.ts drops them); were one there, it is redacted.
    const out = redactSecrets({ ...config, acquirer: { ...config.acquirer, vendorKey: 'k-123', activationCode: 'ACT-1' }, nested: [{ apiToken: 't', pin: '1234', name: 'ok' }] }) as { acquirer: Record<string, unknown>; nested: unknown[]; storeName: string };
    expect(out.acquirer).toMatchObject({ vendorSn: 'VSN1', vendorKey: '[redacted]', appId: 'APP', activationCode: '[redacted]' });
    expect(out.nested).toEqual([{ apiToken: '[redacted]', pin: '[redacted]', name: 'ok' }]);
    expect(JSON.stringify(out)).not.toMatch(/k-123|ACT-1/);
    expect(out.storeName).toBe(config.storeName);
  });
});
