/** What the staff, terminals and accounts pages share: "choose a store first", relative times, a one-line notice. */
import { useTranslation } from 'react-i18next';
import type { OfficeStore } from '../../../src-common/office/session';
import { formatHash } from '../../route';
import { EmptyState } from '../ui';

/** Shown on a per-store page while "all stores" is chosen: one link per store. */
export function ChooseStore({ pageId, stores }: { pageId: string; stores: readonly OfficeStore[] }) {
  const { t } = useTranslation();
  if (stores.length === 0) {
    return (
      <EmptyState title={t('officeStaff.pickStore.noStores')}>
        <p>{t('officeStaff.pickStore.noStoresHint')}</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title={t('officeStaff.pickStore.title')}>
      <p>{t('officeStaff.pickStore.hint')}</p>
      <ul className="staff-store-links">
        {stores.map((s) => (
          <li key={s.storeId}>
            <a href={formatHash({ path: `/${pageId}`, params: new URLSearchParams({ store: s.storeId }) })} data-testid="staff-pick-store">
              {s.name}
            </a>
          </li>
        ))}
      </ul>
    </EmptyState>
  );
}

type Unit = 'seconds' | 'minutes' | 'hours' | 'days';
function split(seconds: number): { unit: Unit; count: number } {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return { unit: 'seconds', count: s };
  if (s < 3600) return { unit: 'minutes', count: Math.floor(s / 60) };
  if (s < 86400) return { unit: 'hours', count: Math.floor(s / 3600) };
  return { unit: 'days', count: Math.floor(s / 86400) };
}

/** "5 分钟前" from an ISO time; "3 小时" for a duration in seconds. */
export function useDurations() {
  const { t } = useTranslation();
  return {
    ago: (iso: string, now = Date.now()) => {
      const { unit, count } = split((now - new Date(iso).getTime()) / 1000);
      return t(`officeStaff.ago.${unit}`, { count });
    },
    age: (seconds: number) => {
      const { unit, count } = split(seconds);
      return t(`officeStaff.age.${unit}`, { count });
    },
  };
}

/** A change's outcome in a sentence, announced to screen readers. */
export function Notice({ text, testId }: { text: string | null; testId: string }) {
  if (!text) return null;
  return (
    <p className="staff-notice" role="status" data-testid={testId}>
      {text}
    </p>
  );
}
