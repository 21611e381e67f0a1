import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WechatV3Settings } from '../../../src-common/payment-provider';

const EMPTY: WechatV3Settings = {
  baseUrl: 'https://api.mch.weixin.qq.com',
  appId: '',
  mchId: '',
  merchantSerialNo: '',
  merchantCertPem: '',
  merchantKeyPem: '',
  platformPublicKeyPem: '',
  platformSerial: '',
};

type Line = 'baseUrl' | 'appId' | 'mchId' | 'merchantSerialNo' | 'platformSerial';
type GlobalLine = 'subMchId' | 'subAppId' | 'merchantCategoryCode';
type Pem = 'merchantCertPem' | 'merchantKeyPem' | 'platformPublicKeyPem' | 'caPem';

/** WeChat Pay API v3 merchant settings, typed by the technician; the private key is sealed at rest and not shown again. */
export function WechatV3Section({ onSave }: { onSave: (settings: WechatV3Settings) => Promise<void> }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<WechatV3Settings>(EMPTY);
  const line = (key: Line) => (
    <label>
      {t(`gateway.wechatV3.${key}`)}
      <input data-testid={`gateway-wechatV3-${key}`} type="text" autoComplete="off" value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value.trim() })} />
    </label>
  );
  const pem = (key: Pem) => (
    <label>
      {t(`gateway.wechatV3.${key}`)}
      <textarea data-testid={`gateway-wechatV3-${key}`} rows={3} value={form[key] ?? ''} onChange={(e) => setForm({ ...form, [key]: e.target.value || undefined } as WechatV3Settings)} />
    </label>
  );
  // Optional lines: an empty one is left out of the settings, not sent as "".
  const optional = (key: GlobalLine) => (
    <label>
      {t(`gateway.wechatV3.${key}`)}
      <input data-testid={`gateway-wechatV3-${key}`} type="text" autoComplete="off" value={form[key] ?? ''} onChange={(e) => setForm({ ...form, [key]: e.target.value.trim() || undefined })} />
    </label>
  );
  return (
    <section data-testid="gateway-wechatV3">
      <h2>{t('gateway.wechatV3.title')}</h2>
      {line('baseUrl')}
      {line('appId')}
      {line('mchId')}
      {line('merchantSerialNo')}
      {pem('merchantCertPem')}
      {pem('merchantKeyPem')}
      {pem('platformPublicKeyPem')}
      {line('platformSerial')}
      {pem('caPem')}
      <fieldset data-testid="gateway-wechatV3-global">
        <legend>{t('gateway.wechatV3.globalTitle')}</legend>
        <p className="hint">{t('gateway.wechatV3.globalNote')}</p>
        <label>
          {t('gateway.wechatV3.globalMode')}
          <select
            data-testid="gateway-wechatV3-globalMode"
            value={form.globalMode ?? 'common'}
            onChange={(e) => setForm({ ...form, globalMode: e.target.value === 'institutional' ? 'institutional' : 'common' })}
          >
            <option value="common">{t('gateway.wechatV3.globalModeCommon')}</option>
            <option value="institutional">{t('gateway.wechatV3.globalModeInstitutional')}</option>
          </select>
        </label>
        {optional('merchantCategoryCode')}
        {(form.globalMode ?? 'common') === 'institutional' && optional('subMchId')}
        {(form.globalMode ?? 'common') === 'institutional' && optional('subAppId')}
      </fieldset>
      <p className="hint">{t('gateway.wechatV3.sealedNote')}</p>
      <button
        type="button"
        data-testid="gateway-wechatV3-save"
        onClick={() => {
          const { caPem, subMchId, subAppId, ...rest } = form;
          // Sub-merchant fields belong to institutional mode only: hidden lines are not sent.
          const sub = rest.globalMode === 'institutional' ? { ...(subMchId ? { subMchId } : {}), ...(subAppId ? { subAppId } : {}) } : {};
          void onSave({ ...rest, ...sub, ...(caPem ? { caPem } : {}) }).then(() => setForm((f) => ({ ...f, merchantKeyPem: '' })));
        }}
      >
        {t('gateway.wechatV3.save')}
      </button>
    </section>
  );
}
