import { describe, expect, it } from 'vitest';
import { classifyPaymentCode } from '../../../src-common/payment-code';
import type { Wallet } from '../../../src-common/payment-code';
import { behaviourOfCode, SANDBOX_TEST_CODES, sandboxPaymentCode, walletOfCode } from './test-codes';

const WALLETS: Wallet[] = ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'];

describe('sandbox test codes', () => {
  it('detects the wallet from prefix and length (payments.md §1.1 self-check codes)', () => {
    expect(walletOfCode('134919586213926735')).toBe('wechat');
    expect(walletOfCode('28763443825664394')).toBe('alipay');
    expect(walletOfCode('6221234567890123456')).toBe('unionpay');
    expect(walletOfCode('0112345678901234567')).toBe('ecny');
    expect(walletOfCode('181234567890123456')).toBe('jdpay');
    expect(walletOfCode('511234567890123456')).toBe('bestpay');
    for (const bad of ['', '1349195862139267', '164919586213926735', '991234567890123456', '13491958621392673a', '6221234567890123456 ']) {
      expect(walletOfCode(bad), bad).toBeNull();
    }
  });

  it('makes fresh valid codes that the terminal classifies the same way', () => {
    for (const wallet of WALLETS) {
      for (const entry of SANDBOX_TEST_CODES) {
        const suffix = entry.suffix.replace('NNN', '030');
        const code = sandboxPaymentCode(wallet, suffix);
        expect(code.endsWith(suffix)).toBe(true);
        expect(walletOfCode(code)).toBe(wallet);
        expect(classifyPaymentCode(code)).toMatchObject({ ok: true, wallet });
        expect(behaviourOfCode(code).kind).toBe(entry.behaviour);
      }
    }
    expect(sandboxPaymentCode('wechat', '0000')).not.toBe(sandboxPaymentCode('wechat', '0000'));
    expect(() => sandboxPaymentCode('wechat', '123')).toThrow(RangeError);
  });

  it('reads behaviour from the last four digits, delays scaled', () => {
    expect(behaviourOfCode('134567890123451030')).toEqual({ kind: 'pin_then_paid', waitMs: 3000 });
    expect(behaviourOfCode('134567890123451030', 0.1)).toEqual({ kind: 'pin_then_paid', waitMs: 300 });
    expect(behaviourOfCode('134567890123451000')).toEqual({ kind: 'pin_then_paid', waitMs: 0 });
    expect(behaviourOfCode('134567890123452150')).toEqual({ kind: 'pin_then_cancelled', waitMs: 15_000 });
    expect(behaviourOfCode('134567890123455000', 0.5)).toEqual({ kind: 'hang', paidAfterMs: 1000 });
    expect(behaviourOfCode('134567890123459150')).toEqual({ kind: 'paid_with_discount', discount: 150 });
    expect(behaviourOfCode('134567890123458000')).toEqual({ kind: 'cut_reply' });
    for (const other of ['0000', '0001', '9000', '3001', '5999', '8001']) {
      expect(behaviourOfCode(`13456789012345${other}`).kind, other).toBe('paid');
    }
  });
});
