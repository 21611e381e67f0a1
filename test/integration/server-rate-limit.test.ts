import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../../server/testing/facts';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { storeWithTills } from '../../server/testing/stores';
import { createSyncClient, SyncServerError } from '../../src-main/sync/client';
import { retryOutcome } from '../../src-main/sync/service';

describe('store server: rate limits (token buckets in memory, real PostgreSQL)', () => {
  let t: TestServer;
  let tills: { credential: string }[];
  beforeAll(async () => {
    // Small buckets, refilled slowly, so the test sees them run out.
    t = await startTestServer(undefined, { rateLimits: { terminal: { burst: 5, perSecond: 0.2 }, failures: { burst: 3, perSecond: 0.1 } } });
    tills = (await storeWithTills(t, '一号店', ['A1', 'A2'])).tills;
  });
  afterAll(() => t.stop());

  it('a terminal past its bucket is told rate_limited with Retry-After; nothing is stored; another terminal goes on', async () => {
    const stream = ulid();
    const [a1, a2] = tills.map((x) => t.as(x.credential));
    for (let i = 0; i < 5; i++) expect((await a1!.call('POST', '/v1/facts', { body: { stream, facts: sales(i + 1, 1) } })).status).toBe(200);
    const refused = await a1!.call('POST', '/v1/facts', { body: { stream, facts: sales(6, 1) } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body.error.details.retryAfterSeconds).toBe(Number(refused.headers['retry-after']));
    expect(await t.sql('SELECT max(seq)::int AS seq FROM fact WHERE stream = $1', [stream])).toEqual([{ seq: 5 }]);
    expect((await a2!.call('POST', '/v1/facts', { body: { stream: ulid(), facts: sales(1, 1) } })).status).toBe(200);

    // The till's client reads the wait, and its job is rescheduled for then rather than after its own backoff.
    const client = createSyncClient({ url: t.server.url, certificate: { pem: t.server.tls.cert, fingerprint: t.server.tls.fingerprint } }, tills[0]!.credential);
    const error = await client.pull(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncServerError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    const waitMs = (error as SyncServerError).retryAfterMs!;
    expect(waitMs).toBeGreaterThanOrEqual(1000);
    expect(retryOutcome(error, 'rate_limited', 1_000_000)).toEqual({ outcome: 'retry', error: 'rate_limited', at: 1_000_000 + waitMs });
    expect(retryOutcome(new Error('x'), 'internal', 1_000_000)).toEqual({ outcome: 'retry', error: 'internal' });
  });

  it('an address that keeps sending wrong enrolment codes is refused before its codes are looked at, even a right one', async () => {
    const store = (await t.admin.call('POST', '/v1/admin/stores', { body: { name: '二号店' } })).body.storeId as string;
    const good = (await t.admin.call('POST', `/v1/admin/stores/${store}/enrolment-codes`)).body.code as string;
    const enrol = (code: string) => t.as(null).call('POST', '/v1/enrol', { body: { code, terminalId: 'B1', terminalName: '收银台', appVersion: '0.1.0' } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await enrol('ZZZZ-ZZZZ-ZZZZ')).status);
    // Three wrong guesses (the bucket's burst) are answered; the fourth is not looked at.
    expect(answers).toEqual([400, 400, 400, 429]);
    const refused = await enrol(good);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await t.sql('SELECT used_at FROM enrolment_code WHERE store_id = $1', [store])).toEqual([{ used_at: null }]);
    expect(await t.sql('SELECT count(*)::int AS n FROM terminal WHERE store_id = $1', [store])).toEqual([{ n: 0 }]);
  });

  it('wrong credentials from an address run out its bucket too; a valid credential from it still syncs', async () => {
    const wrong = t.as('x'.repeat(43));
    // The bucket is already empty from the enrolment guesses above (same address): refused as rate_limited.
    const reply = await wrong.call('GET', '/v1/pull?since=0');
    expect(reply.status).toBe(429);
    expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await t.as(tills[1]!.credential).call('GET', '/v1/pull?since=0')).status).toBe(200);
  });
});
