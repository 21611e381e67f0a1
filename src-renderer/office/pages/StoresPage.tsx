/** 门店: the stores this account can see, how many tills each has and when one last synced; the owner adds one. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CreatedStore, StoreList } from '../../../src-common/office/stores';
import { officeApi } from '../api';
import type { OfficePageProps } from '../page';
import { topRole } from '../page';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../ui';
import type { OfficeApiError } from '../api';

export function StoresPage({ session, refreshSession }: OfficePageProps) {
  const { t, i18n } = useTranslation();
  const query = useOfficeQuery(() => officeApi.get('/stores', StoreList), 'stores');
  const owner = topRole(session) === 'owner';
  const [name, setName] = useState('');
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await officeApi.post('/stores', { name: name.trim() }, CreatedStore);
      setName('');
      query.reload();
      refreshSession();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : t('office.stores.never'));

  return (
    <section className="office-page" data-testid="office-stores">
      <h1>{t('office.stores.title')}</h1>
      {owner && (
        <form
          className="office-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label>
            {t('office.stores.newName')}
            <input data-testid="office-store-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy || !name.trim()} data-testid="office-store-add">
            {t('office.stores.add')}
          </button>
        </form>
      )}
      {error && <ErrorState error={error} />}
      <QueryView
        query={query}
        isEmpty={(d) => d.stores.length === 0}
        empty={<EmptyState title={t('office.stores.empty')}>{owner ? <p>{t('office.stores.emptyOwner')}</p> : <p>{t('office.stores.emptyOther')}</p>}</EmptyState>}
      >
        {(data) => (
          <table className="office-table">
            <thead>
              <tr>
                <th scope="col">{t('office.stores.name')}</th>
                <th scope="col">{t('office.stores.role')}</th>
                <th scope="col" className="num">{t('office.stores.terminals')}</th>
                <th scope="col">{t('office.stores.lastContact')}</th>
              </tr>
            </thead>
            <tbody>
              {data.stores.map((s) => (
                <tr key={s.storeId} data-testid="office-store-row">
                  <td>{s.name}</td>
                  <td>{t(`office.role.${s.role}`)}</td>
                  <td className="num">{s.terminals}</td>
                  <td>{when(s.lastContactAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
