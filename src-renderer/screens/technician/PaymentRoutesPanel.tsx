import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BUILT_IN_SANDBOX_PROVIDERS, type GatewayStatus } from '../../../src-common/calls/gateway';
import type { ApiError } from '../../../src-common/errors';
import { PROVIDER_WALLETS, type ProviderId, type WechatV2Settings } from '../../../src-common/payment-provider';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import { AlipaySettingsSection } from './AlipaySettingsSection';
import { WechatV3Section } from './WechatV3Section';

/** Why a gateway call was refused, in the technician's words. */
function useGatewayErrorText() {
  const { t } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      const reason = (error.details as { reason?: string } | undefined)?.reason;
      const text = reason ? t(`gateway.reasons.${reason}`, { defaultValue: '' }) : '';
      return text || t(`errors.${error.code}`);
    },
    [t],
  );
}

/** The technician's payment providers: what each can do and what stops it (certificates), the wallet routes, WeChat direct's settings. */
export function PaymentRoutesPanel({ onError, onOk }: PanelProps) {
  const pos = usePos();
  const [status, setStatus] = useState<GatewayStatus | null>(null);
  const errorText = useGatewayErrorText();
  const load = useCallback(() => {
    void pos.call('gateway.status', {}).then((r) => (r.ok ? setStatus(r.value) : onError(r.error)));
  }, [pos, onError]);
  useEffect(load, [load]);
  const saved = (r: Awaited<ReturnType<typeof pos.call<'gateway.status'>>>) => {
    if (r.ok) {
      setStatus(r.value);
      onOk();
    } else onError(r.error, errorText(r.error));
  };
  return (
    <section className="panel admin" data-testid="payment-routes-panel">
      {status && (
        <ProvidersSection
          status={status}
          onUseBuiltIn={async (provider) => saved(await pos.call('gateway.useBuiltInSandbox', { provider }))}
        />
      )}
      {status && <RoutesSection key={JSON.stringify(status.routes)} status={status} onSave={async (routes) => saved(await pos.call('gateway.setRoutes', { routes }))} />}
      <WechatSection onSave={async (settings) => saved(await pos.call('gateway.setWechatV2', settings))} />
      <AlipaySettingsSection onSave={async (settings) => saved(await pos.call('gateway.setAlipay', settings))} />
      <WechatV3Section onSave={async (settings) => saved(await pos.call('gateway.setWechatV3', settings))} />
    </section>
  );
}

type BuiltInProvider = (typeof BUILT_IN_SANDBOX_PROVIDERS)[number];
const hasBuiltInSandbox = (provider: ProviderId): provider is BuiltInProvider => (BUILT_IN_SANDBOX_PROVIDERS as readonly string[]).includes(provider);

function ProvidersSection({ status, onUseBuiltIn }: { status: GatewayStatus; onUseBuiltIn: (provider: BuiltInProvider) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  // The first start of a built-in sandbox makes its keys and certificates: a few seconds on a slow till.
  const [starting, setStarting] = useState<BuiltInProvider | null>(null);
  const chooseBuiltIn = (provider: BuiltInProvider) => {
    setStarting(provider);
    void onUseBuiltIn(provider).finally(() => setStarting(null));
  };
  return (
    <section data-testid="gateway-providers">
      <h2>{t('gateway.providers.title')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('gateway.providers.provider')}</th>
            <th>{t('gateway.providers.state')}</th>
            <th>{t('gateway.providers.capabilities')}</th>
            <th>{t('gateway.providers.certificate')}</th>
            {status.builtInSandboxes && <th>{t('gateway.builtIn.column')}</th>}
          </tr>
        </thead>
        <tbody>
          {status.providers.map((p) => (
            <tr key={p.provider} data-testid={`gateway-provider-${p.provider}`}>
              <td>{t(`gateway.provider.${p.provider}`)}</td>
              <td>
                {p.configured ? t('gateway.providers.configured') : t('gateway.providers.notConfigured')}
                {p.problems.map((problem) => (
                  <p key={problem} className="error" role="alert" data-testid={`gateway-problem-${problem}`}>
                    {t(`gateway.problem.${problem}`)}
                  </p>
                ))}
              </td>
              <td>{p.capabilities.map((c) => t(`gateway.capability.${c}`)).join('、')}</td>
              <td>{p.certificateNotAfter ? new Date(p.certificateNotAfter).toLocaleDateString(i18n.language) : t('gateway.providers.none')}</td>
              {status.builtInSandboxes && (
                <td>
                  {p.builtInSandbox && (
                    <p className="muted" data-testid={`gateway-builtin-in-use-${p.provider}`}>
                      {t('gateway.builtIn.inUse')}
                    </p>
                  )}
                  {hasBuiltInSandbox(p.provider) && (
                    <button type="button" data-testid={`gateway-builtin-${p.provider}`} disabled={starting !== null} onClick={() => chooseBuiltIn(p.provider as BuiltInProvider)}>
                      {starting === p.provider ? t('gateway.builtIn.starting') : t('gateway.builtIn.use')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {status.builtInSandboxes && <p className="hint">{t('gateway.builtIn.note')}</p>}
    </section>
  );
}

function RoutesSection({ status, onSave }: { status: GatewayStatus; onSave: (routes: GatewayStatus['routes']) => Promise<void> }) {
  const { t } = useTranslation();
  const [routes, setRoutes] = useState(status.routes);
  return (
    <section data-testid="gateway-routes">
      <h2>{t('gateway.routes.title')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('gateway.routes.wallet')}</th>
            <th>{t('gateway.routes.provider')}</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((route) => (
            <tr key={route.wallet}>
              <td>{t(`tenders.${route.wallet}`)}</td>
              <td>
                <select
                  data-testid={`gateway-route-${route.wallet}`}
                  aria-label={t(`tenders.${route.wallet}`)}
                  value={route.provider}
                  onChange={(e) => setRoutes(routes.map((r) => (r.wallet === route.wallet ? { ...r, provider: e.target.value as ProviderId } : r)))}
                >
                  {status.providers
                    .filter((p) => PROVIDER_WALLETS[p.provider].includes(route.wallet))
                    .map((p) => (
                      <option key={p.provider} value={p.provider}>
                        {t(`gateway.provider.${p.provider}`)}
                      </option>
                    ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('gateway.routes.note')}</p>
      <button type="button" data-testid="gateway-routes-save" onClick={() => void onSave(routes)}>
        {t('gateway.routes.save')}
      </button>
    </section>
  );
}

const EMPTY_WECHAT: WechatV2Settings = { baseUrl: 'https://api.mch.weixin.qq.com', appId: '', mchId: '', signType: 'HMAC-SHA256', apiKey: '', certPem: '', keyPem: '' };

function WechatSection({ onSave }: { onSave: (settings: WechatV2Settings) => Promise<void> }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<WechatV2Settings>(EMPTY_WECHAT);
  const field = (key: 'baseUrl' | 'appId' | 'mchId' | 'apiKey', type = 'text') => (
    <label>
      {t(`gateway.wechat.${key}`)}
      <input data-testid={`gateway-wechat-${key}`} type={type} autoComplete="off" value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value.trim() })} />
    </label>
  );
  const pem = (key: 'certPem' | 'keyPem' | 'caPem') => (
    <label>
      {t(`gateway.wechat.${key}`)}
      <textarea data-testid={`gateway-wechat-${key}`} rows={3} value={form[key] ?? ''} onChange={(e) => setForm({ ...form, [key]: e.target.value || undefined } as WechatV2Settings)} />
    </label>
  );
  return (
    <section data-testid="gateway-wechat">
      <h2>{t('gateway.wechat.title')}</h2>
      {field('baseUrl')}
      {field('appId')}
      {field('mchId')}
      <label>
        {t('gateway.wechat.signType')}
        <select data-testid="gateway-wechat-signType" value={form.signType} onChange={(e) => setForm({ ...form, signType: e.target.value as WechatV2Settings['signType'] })}>
          <option value="HMAC-SHA256">HMAC-SHA256</option>
          <option value="MD5">MD5</option>
        </select>
      </label>
      {field('apiKey', 'password')}
      {pem('certPem')}
      {pem('keyPem')}
      {pem('caPem')}
      <p className="hint">{t('gateway.wechat.sealedNote')}</p>
      <button
        type="button"
        data-testid="gateway-wechat-save"
        onClick={() => {
          const { caPem, ...rest } = form;
          void onSave(caPem ? { ...rest, caPem } : rest).then(() => setForm((f) => ({ ...f, apiKey: '', keyPem: '' })));
        }}
      >
        {t('gateway.wechat.save')}
      </button>
    </section>
  );
}
