import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlipaySettings } from '../../../src-common/payment-provider';

const EMPTY_ALIPAY: AlipaySettings = { gatewayUrl: 'https://openapi.alipay.com/gateway.do', appId: '', privateKeyPem: '', alipayPublicKeyPem: '' };

/** The technician's Alipay direct app settings (issue 18): the private key is sealed at rest and cleared from the form once saved. */
export function AlipaySettingsSection({ onSave }: { onSave: (settings: AlipaySettings) => Promise<void> }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<AlipaySettings>(EMPTY_ALIPAY);
  const field = (key: 'gatewayUrl' | 'appId') => (
    <label>
      {t(`alipayDirect.${key}`)}
      <input data-testid={`gateway-alipay-${key}`} type="text" autoComplete="off" value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value.trim() })} />
    </label>
  );
  const pem = (key: 'privateKeyPem' | 'alipayPublicKeyPem' | 'caPem') => (
    <label>
      {t(`alipayDirect.${key}`)}
      <textarea data-testid={`gateway-alipay-${key}`} rows={3} value={form[key] ?? ''} onChange={(e) => setForm({ ...form, [key]: e.target.value || undefined } as AlipaySettings)} />
    </label>
  );
  return (
    <section data-testid="gateway-alipay">
      <h2>{t('alipayDirect.title')}</h2>
      {field('gatewayUrl')}
      {field('appId')}
      {pem('privateKeyPem')}
      {pem('alipayPublicKeyPem')}
      {pem('caPem')}
      <p className="hint">{t('alipayDirect.sealedNote')}</p>
      <button
        type="button"
        data-testid="gateway-alipay-save"
        onClick={() => {
          const { caPem, ...rest } = form;
          void onSave(caPem ? { ...rest, caPem } : rest).then(() => setForm((f) => ({ ...f, privateKeyPem: '' })));
        }}
      >
        {t('alipayDirect.save')}
      </button>
    </section>
  );
}
