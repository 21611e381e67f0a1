/**
 * The store server with a certificate signed by a CA (made here with openssl) instead of its self-signed one: the
 * till enrols with that CA's certificate rather than a pinned fingerprint, syncs through it, and refuses a server
 * whose certificate another CA signed, or that this CA signed for another name. Real PostgreSQL, a real till.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { codeHash } from '../../server/api/terminals';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { startTestPos, type TestPos } from '../helpers/pos';

const dir = mkdtempSync(join(tmpdir(), 'jiezhang-ca-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

function makeCa(name: string) {
  const [key, cert] = [join(dir, `${name}-key.pem`), join(dir, `${name}.pem`)];
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', key, '-out', cert);
  return { key, cert };
}

function serverCertificate(ca: { key: string; cert: string }, name: string, altName: string) {
  const [key, csr, cert, ext] = ['key.pem', 'req.csr', 'cert.pem', 'ext.cnf'].map((f) => join(dir, `${name}-${f}`)) as [string, string, string, string];
  writeFileSync(ext, `subjectAltName=${altName}\nbasicConstraints=CA:FALSE\n`);
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-sha256', '-extfile', ext);
  return { certFile: cert, keyFile: key };
}

describe('store server with a CA-signed certificate (real PostgreSQL, a real till)', () => {
  const shopCa = makeCa('shop-ca');
  const otherCa = makeCa('other-ca');
  let server: TestServer;
  let t: TestPos;
  let technician: Session;
  let cashier: Session;

  beforeAll(async () => {
    server = await startTestServer(undefined, { tlsFiles: serverCertificate(shopCa, 'store-server', 'IP:127.0.0.1,DNS:localhost'), clientCa: readFileSync(shopCa.cert, 'utf8') });
    t = await startTestPos();
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const newCode = async (storeId: string) => (await server.admin.call('POST', `/v1/admin/stores/${storeId}/enrolment-codes`)).body.code as string;

  it('says it is not self-signed', async () => {
    expect((await server.admin.call('GET', '/v1/admin/server')).body).toMatchObject({ selfSigned: false });
  });

  it('refuses a server whose certificate another CA signed, or this CA signed for another name; nothing is kept', async () => {
    const impostor = await startTestServer(undefined, { tlsFiles: serverCertificate(otherCa, 'impostor', 'IP:127.0.0.1') });
    const misnamed = await startTestServer(undefined, { tlsFiles: serverCertificate(shopCa, 'elsewhere', 'DNS:elsewhere.example') });
    try {
      for (const other of [impostor, misnamed]) {
        // Straight into its database (a test client could not verify these certificates either).
        const storeId = 'IMPOSTOR';
        const code = 'ABCD-EFGH-JKLM';
        await other.sql(`INSERT INTO store (store_id, name) VALUES ($1, '冒名店')`, [storeId]);
        await other.sql(`INSERT INTO enrolment_code (store_id, code_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [storeId, codeHash(code)]);
        const refused = await t.call(technician, 'sync.enrol', { serverUrl: other.server.url, code, caCertificate: readFileSync(shopCa.cert, 'utf8') });
        expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'certificate_not_trusted' } } });
        // The code was never sent: it is still unused on that server.
        expect(await other.sql('SELECT used_at FROM enrolment_code WHERE store_id = $1', [storeId])).toEqual([{ used_at: null }]);
      }
    } finally {
      await Promise.all([impostor.stop(), misnamed.stop()]);
    }
    expect(await t.ok(cashier, 'sync.status', {})).toMatchObject({ state: 'not_enrolled' });
    // A certificate that is not a CA's, or not a certificate at all, is refused before any connection.
    const leaf = readFileSync(join(dir, 'store-server-cert.pem'), 'utf8');
    for (const [caCertificate, reason] of [[leaf, 'ca_certificate_not_ca'], ['not a certificate', 'ca_certificate_not_pem']] as const) {
      expect(await t.call(technician, 'sync.enrol', { serverUrl: server.server.url, code: 'ABCD-EFGH-JKLM', caCertificate })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', details: { reason } },
      });
    }
  });

  it('enrols with the CA instead of a fingerprint, and its sales reach the server through it', async () => {
    const storeId = (await server.admin.call('POST', '/v1/admin/stores', { body: { name: '一号店' } })).body.storeId as string;
    const status = await t.ok(technician, 'sync.enrol', { serverUrl: server.server.url, code: await newCode(storeId), caCertificate: readFileSync(shopCa.cert, 'utf8') });
    expect(status).toMatchObject({ storeId, storeName: '一号店' });
    expect(t.query('SELECT trust FROM sync_link')).toEqual([{ trust: 'ca' }]);

    const [product] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 1");
    await t.ok(cashier, 'sale.addProduct', { productId: product!.id, quantityMilli: 1000 });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    const { saleId } = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    await t.ok(technician, 'sync.now', {});
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await t.ok(technician, 'sync.status', {});
      if (s.factsWaiting === 0 && s.state === 'online') break;
      if (Date.now() > deadline) throw new Error(`not synced: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await server.sql('SELECT total FROM sale WHERE store_id = $1 AND sale_id = $2', [storeId, saleId])).toEqual([{ total: cart.total }]);
  });
});
