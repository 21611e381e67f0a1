import { useEffect, useState } from 'react';
import type { Wallet } from '../../src-common/payment-code';
import { usePos } from '../api/context';

/**
 * The wallets whose provider offers a merchant QR (a wallet routed to WeChat Pay direct does not): the pay dialog
 * shows a QR button only for those. Null until the terminal answers, and no button shows meanwhile: showing them all
 * offered, for a moment, a WeChat QR the till cannot make (a cashier's click then refused).
 */
export function useMerchantQrWallets(): readonly Wallet[] | null {
  const pos = usePos();
  const [wallets, setWallets] = useState<readonly Wallet[] | null>(null);
  useEffect(() => {
    let live = true;
    void pos.call('gateway.tillOptions', {}).then((r) => live && r.ok && setWallets(r.value.merchantQr));
    return () => {
      live = false;
    };
  }, [pos]);
  return wallets;
}
