import { useTranslation } from 'react-i18next';

/** The customer-facing display: greets until a sale is running (the cart arrives with selling). */
export function CustomerScreen({ storeName }: { storeName: string }) {
  const { t } = useTranslation();
  return (
    <main className="customer">
      <div className="customer-store">{storeName}</div>
      <div className="customer-welcome">{t('customer.welcome')}</div>
    </main>
  );
}
