/** The store's latest receipts, counts and transfers. */
import { useTranslation } from 'react-i18next';
import { StockDocuments } from '../../../../src-common/office/stock';
import { money } from '../../../format';
import { officeApi } from '../../api';
import { EmptyState, QueryView, useOfficeQuery } from '../../ui';

export function Documents({ storeId, round }: { storeId: string; round: number }) {
  const { t, i18n } = useTranslation();
  const query = useOfficeQuery(() => officeApi.get(`/stores/${storeId}/stock/documents`, StockDocuments), `${storeId}:${round}`);
  return (
    <QueryView query={query} isEmpty={(d) => d.documents.length === 0} empty={<EmptyState title={t('officeStock.empty.noDocuments')} />}>
      {(data) => (
        <table className="office-table stock-table" data-testid="stock-documents">
          <thead>
            <tr>
              <th scope="col">{t('officeStock.documents.when')}</th>
              <th scope="col">{t('officeStock.documents.type')}</th>
              <th scope="col">{t('officeStock.documents.party')}</th>
              <th scope="col" className="num">{t('officeStock.documents.lines')}</th>
              <th scope="col" className="num">{t('officeStock.documents.value')}</th>
              <th scope="col">{t('officeStock.documents.by')}</th>
              <th scope="col">{t('officeStock.documents.note')}</th>
            </tr>
          </thead>
          <tbody>
            {data.documents.map((d) => (
              <tr key={`${d.kind}:${d.id}`} data-testid="stock-document">
                <td data-label={t('officeStock.documents.when')}>{new Date(d.postedAt).toLocaleString(i18n.language)}</td>
                <td data-label={t('officeStock.documents.type')}>{t(`officeStock.documents.kind.${d.kind}`)}</td>
                <td data-label={t('officeStock.documents.party')}>{d.party ?? ''}</td>
                <td className="num" data-label={t('officeStock.documents.lines')}>{d.lines}</td>
                <td className="num" data-label={t('officeStock.documents.value')}>{d.value === null ? '' : money(d.value, 'CNY')}</td>
                <td data-label={t('officeStock.documents.by')}>{d.by ?? ''}</td>
                <td data-label={t('officeStock.documents.note')}>{d.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}
