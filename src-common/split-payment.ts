/**
 * One sale paid in parts (issue 18): a WeChat part and an Alipay part, a wallet part and the rest in cash. What is
 * still due is what the sale asks for less its paid wallet parts; a new part is a whole number of minor units from
 * 1 up to that. Pure arithmetic, no I/O: the payment engine and the sales service read the parts from the database.
 */

export interface PaidPart {
  paymentId: string;
  wallet: string | null;
  maskedCode: string | null;
  amount: number;
}

export class PartAmountError extends Error {
  constructor(
    readonly reason: 'bad_amount' | 'exceeds_due' | 'nothing_due' | 'overpaid',
    message: string,
  ) {
    super(message);
  }
}

/** The sum of the parts (each a positive safe integer). */
export function paidTotal(parts: readonly Pick<PaidPart, 'amount'>[]): number {
  let sum = 0;
  for (const part of parts) {
    if (!Number.isSafeInteger(part.amount) || part.amount <= 0) throw new PartAmountError('bad_amount', `A paid part is a positive whole amount, got ${String(part.amount)}`);
    sum += part.amount;
  }
  return sum;
}

/** What the sale still asks for after its paid parts; throws `overpaid` when the parts are more than the sale. */
export function stillDue(amountToPay: number, parts: readonly Pick<PaidPart, 'amount'>[]): number {
  if (!Number.isSafeInteger(amountToPay) || amountToPay < 0) throw new PartAmountError('bad_amount', `The amount to pay is a whole non-negative amount, got ${String(amountToPay)}`);
  const due = amountToPay - paidTotal(parts);
  if (due < 0) throw new PartAmountError('overpaid', `The paid parts are ${-due} more than the sale's ${amountToPay}`);
  return due;
}

/**
 * The amount of the next part: what was asked for (1 ≤ asked ≤ due), or everything still due when nothing was
 * asked. Throws when nothing is due or the asked amount is outside that range.
 */
export function partAmount(asked: number | undefined, due: number): number {
  if (due <= 0) throw new PartAmountError('nothing_due', 'Nothing is left to pay on this sale');
  if (asked === undefined) return due;
  if (!Number.isSafeInteger(asked) || asked < 1) throw new PartAmountError('bad_amount', `A part is a whole amount of at least 1, got ${String(asked)}`);
  if (asked > due) throw new PartAmountError('exceeds_due', `${asked} is more than the ${due} still due`);
  return asked;
}
