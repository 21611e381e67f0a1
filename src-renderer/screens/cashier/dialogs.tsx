import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseMoney } from '../../../src-common/money';
import type { Cart, CartLine, Discount } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { Dialog } from '../../components/Dialog';
import { OwnerApprovalFields, useOwnerApproval } from '../../components/OwnerApproval';
import { money, parseQuantity, quantity } from '../../format';

export function QuantityDialog({ line, onSubmit, onClose }: { line: CartLine; onSubmit: (quantityMilli: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(quantity(line.quantityMilli, 'each'));
  const parsed = parseQuantity(text);
  const valid = parsed !== null && (line.unit === 'kg' || parsed % 1000 === 0);
  return (
    <Dialog title={t('quantityDialog.title')} onClose={onClose} testId="quantity-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onSubmit(parsed);
        }}
      >
        <label>
          {line.name} — {t('quantityDialog.label')}
          <input data-testid="quantity-input" inputMode="decimal" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!valid} />
        </label>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!valid}>
            {t('dialog.ok')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface DiscountRequest {
  discount: Discount | null;
  approval?: { userId: string; pin: string };
}

/** Amount or percent; a cashier also picks an owner and types the owner's PIN (checked in main, not here). */
export function DiscountDialog({
  title,
  currency,
  needsApproval,
  onSubmit,
  onClose,
}: {
  title: string;
  currency: string;
  needsApproval: boolean;
  onSubmit: (request: DiscountRequest) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'amount' | 'percent'>('percent');
  const [value, setValue] = useState('');
  const owner = useOwnerApproval(needsApproval);

  let discount: Discount | null = null;
  try {
    if (kind === 'amount') discount = { kind: 'amount', amount: parseMoney(value, currency) };
    else {
      const bp = Math.round(Number(value) * 100);
      if (/^\d{1,3}(\.\d{1,2})?$/.test(value.trim()) && bp >= 1 && bp <= 10000) discount = { kind: 'percent', basisPoints: bp };
    }
  } catch {
    discount = null;
  }
  if (discount?.kind === 'amount' && discount.amount <= 0) discount = null;
  const approvalReady = owner.ready;

  const submit = (d: Discount | null) => onSubmit(needsApproval && d ? { discount: d, approval: owner.approval } : { discount: d });

  return (
    <Dialog title={title} onClose={onClose} testId="discount-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (discount && approvalReady) submit(discount);
        }}
      >
        <div className="segmented" role="radiogroup">
          <button type="button" role="radio" aria-checked={kind === 'percent'} onClick={() => setKind('percent')}>
            {t('discountDialog.percent')}
          </button>
          <button type="button" role="radio" aria-checked={kind === 'amount'} onClick={() => setKind('amount')}>
            {t('discountDialog.amount')}
          </button>
        </div>
        <input data-testid="discount-value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={!discount} />
        {needsApproval && <OwnerApprovalFields state={owner} pinTestId="approval-pin" />}
        <div className="dialog-buttons">
          <button type="button" onClick={() => submit(null)}>
            {t('discountDialog.remove')}
          </button>
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!discount || !approvalReady} data-testid="discount-ok">
            {t('dialog.ok')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function VoidDialog({ onSubmit, onClose }: { onSubmit: (reason: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const reasons = ['customer', 'mistake', 'other'] as const;
  return (
    <Dialog title={t('voidDialog.title')} onClose={onClose} testId="void-dialog">
      <div className="choice-list">
        {reasons.map((r) => (
          <button key={r} type="button" onClick={() => onSubmit(t(`voidDialog.reasons.${r}`))}>
            {t(`voidDialog.reasons.${r}`)}
          </button>
        ))}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          {t('dialog.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

export function ResumeDialog({ currency, onResume, onClose }: { currency: string; onResume: (saleId: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [sales, setSales] = useState<{ saleId: string; suspendedAt: string; lines: number; total: number }[] | null>(null);
  useEffect(() => {
    void pos.call('sale.listSuspended', {}).then((r) => setSales(r.ok ? r.value : []));
  }, [pos]);
  return (
    <Dialog title={t('resumeDialog.title')} onClose={onClose} testId="resume-dialog">
      {sales?.length === 0 && <p className="muted">{t('resumeDialog.none')}</p>}
      <div className="choice-list">
        {sales?.map((s) => (
          <button key={s.saleId} type="button" onClick={() => onResume(s.saleId)} data-testid="suspended-sale">
            <span>{t('resumeDialog.at', { time: new Date(s.suspendedAt).toLocaleTimeString(i18n.language) })}</span>
            <span>{t('resumeDialog.lines', { count: s.lines })}</span>
            <strong>{money(s.total, currency)}</strong>
          </button>
        ))}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          {t('dialog.close')}
        </button>
      </div>
    </Dialog>
  );
}

export type { Cart };

/** Open the cash drawer without a sale (giving change, a check): a reason, and an owner's PIN from a cashier. Audited in main. */
export function NoSaleDialog({
  needsApproval,
  onSubmit,
  onClose,
}: {
  needsApproval: boolean;
  onSubmit: (request: { reason: string; approval?: { userId: string; pin: string } }) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const reasons = ['change', 'check', 'other'] as const;
  const [reason, setReason] = useState<string>(t('noSaleDialog.reasons.change'));
  const owner = useOwnerApproval(needsApproval);
  return (
    <Dialog title={t('noSaleDialog.title')} onClose={onClose} testId="no-sale-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (owner.ready && reason.trim()) onSubmit(needsApproval ? { reason, approval: owner.approval } : { reason });
        }}
      >
        <div className="choice-list">
          {reasons.map((r) => (
            <button key={r} type="button" aria-pressed={reason === t(`noSaleDialog.reasons.${r}`)} onClick={() => setReason(t(`noSaleDialog.reasons.${r}`))}>
              {t(`noSaleDialog.reasons.${r}`)}
            </button>
          ))}
        </div>
        {needsApproval && <OwnerApprovalFields state={owner} pinTestId="no-sale-owner-pin" />}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!owner.ready} data-testid="no-sale-submit">
            {t('noSaleDialog.open')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
