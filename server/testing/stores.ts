import { expect } from 'vitest';
import type { EnrolReply } from '../../src-common/sync-protocol';
import type { TestServer } from './server';

/** Creates a store through the admin API and enrols `terminals` tills in it, each with its own code. */
export async function storeWithTills(t: TestServer, name: string, terminals: string[]): Promise<{ storeId: string; tills: EnrolReply[] }> {
  const store = await t.admin.call('POST', '/v1/admin/stores', { body: { name } });
  expect(store.status).toBe(201);
  const tills: EnrolReply[] = [];
  for (const terminalId of terminals) {
    const code = await t.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`);
    expect(code.status).toBe(201);
    const enrolled = await t.as(null).call('POST', '/v1/enrol', { body: { code: code.body.code, terminalId, terminalName: `收银台 ${terminalId}`, appVersion: '0.1.0' } });
    expect(enrolled.status).toBe(200);
    tills.push(enrolled.body);
  }
  return { storeId: store.body.storeId, tills };
}
