import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import { CountSheet } from './stock/CountSheet';
import { LevelsTable } from './stock/LevelsTable';
import { OversellSetting } from './stock/OversellSetting';
import { ReceiveForm } from './stock/ReceiveForm';
import type { PostedMessage } from './stock/stock-ui';
import '../../styles/stock.css';

/**
 * Stock on the till (issue 16): levels and the low-stock list, receiving and counts, and what selling beyond the
 * stock does. Enrolled to a store server, the levels come from it: receiving and counts are done there.
 */
export function StockPanel({ settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const [managed, setManaged] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const [posted, setPosted] = useState<PostedMessage | null>(null);
  const [oversell, setOversell] = useState(settings.oversell);

  useEffect(() => {
    void pos.call('sync.status', {}).then((r) => r.ok && setManaged(r.value.state !== 'not_enrolled'));
  }, [pos]);

  const done = (message: PostedMessage) => {
    setPosted(message);
    setRefresh((n) => n + 1);
  };

  return (
    <section className="panel owner-panel stock-panel" data-testid="stock-panel">
      <h2>{t('stock.title')}</h2>
      {managed && (
        <p className="muted" role="note" data-testid="stock-managed">
          {t('stock.managed')}
        </p>
      )}
      {posted && (
        <p role="status" className="ok" data-testid="stock-posted">
          {t(posted.key, posted.params)}
        </p>
      )}
      <OversellSetting value={oversell} onChanged={setOversell} onError={onError} />
      <div className="owner-columns">
        <LevelsTable refresh={refresh} onError={onError} onOk={onOk} />
        <div>
          <ReceiveForm currency={settings.currency} disabled={managed} onPosted={done} onError={onError} onOk={onOk} />
          <CountSheet disabled={managed} onPosted={done} onError={onError} onOk={onOk} />
        </div>
      </div>
    </section>
  );
}
