/** Messages of a sale paid in parts (issue 18), under the top-level key `splitPay`: zh-CN first, English with the same keys. */
export const splitPayZhCN = {
  partAmount: '本次收款金额',
  partAmountHint: '扫码前可改：其余用其他钱包或现金支付',
  partAmountInvalid: '金额应在 0.01 到待付金额之间',
  paidParts: '已付部分',
  remaining: '还需支付',
  reverse: '退回已付部分',
  reverseConfirm: '把已付的 {{amount}} 逐笔退回顾客原支付方式？',
  reversing: '退回中…',
  customerPaid: '已付 {{paid}} · 还需支付 {{remaining}}',
  notReversed: {
    refused: '{{wallet}} {{amount}} 未能退回：支付机构拒绝撤销。这笔仍算已付：请收取余款完成交易，再为这笔办理退款',
    refusedWhy: '{{wallet}} {{amount}} 未能退回：支付机构拒绝撤销（{{why}}）。这笔仍算已付：请收取余款完成交易，再为这笔办理退款',
    unconfirmed: '{{wallet}} {{amount}} 未确认退回：多次尝试后支付机构仍未确认，这笔仍算已付。可再点“退回已付部分”重试；或收取余款完成交易，向支付机构核实后再退款',
  },
  legs: {
    title: '分笔退回',
    leg: '第 {{n}} 笔',
    separator: '、',
    notSent: '未提交（前一笔未退回）',
    partlyFailed: '部分退回：{{done}} 已退回；{{left}} 未退回。请勿重复退已退回的部分：可重新提交未退回的部分，或联系店长核对。',
  },
  errors: {
    paidParts: '本单已部分付款：请收取余款，或先退回已付部分',
    exceedsDue: '本次金额超过待付金额',
    reversingParts: '已付部分正在退回，请稍候',
    noPaidParts: '本单没有已付部分',
    paymentInProgress: '本单还有一笔支付正在进行：等它结束后再退回已付部分',
    completionPending: '本单已付清，正在完成交易：无需退回，交易完成后可办理退款',
  },
};

export const splitPayEn: typeof splitPayZhCN = {
  partAmount: 'Amount for this payment',
  partAmountHint: 'Change it before scanning: the rest by another wallet or cash',
  partAmountInvalid: 'The amount is from 0.01 up to what is still due',
  paidParts: 'Paid so far',
  remaining: 'Still to pay',
  reverse: 'Give paid parts back',
  reverseConfirm: 'Give the {{amount}} paid so far back to the customer, each part to its wallet?',
  reversing: 'going back…',
  customerPaid: 'Paid {{paid}} · {{remaining}} still to pay',
  notReversed: {
    refused: '{{wallet}} {{amount}} was not given back: the provider refused the reversal. It still counts as paid: take the rest to complete the sale, then refund this part',
    refusedWhy: '{{wallet}} {{amount}} was not given back: the provider refused the reversal ({{why}}). It still counts as paid: take the rest to complete the sale, then refund this part',
    unconfirmed:
      '{{wallet}} {{amount}} was not confirmed as given back: the provider never confirmed it after several tries, so it still counts as paid. Press “Give paid parts back” to try again, or take the rest to complete the sale and check with the provider before refunding',
  },
  legs: {
    title: 'Refunded in parts',
    leg: 'Part {{n}}',
    separator: ', ',
    notSent: 'not sent (the part before it did not go back)',
    partlyFailed: 'Partly refunded: {{done}} went back; {{left}} did not. Do not refund what went back again: resubmit the rest, or ask the owner to check.',
  },
  errors: {
    paidParts: 'Part of this sale is paid: take the rest, or give the paid parts back first',
    exceedsDue: 'That is more than is still due',
    reversingParts: 'The paid parts are being given back: wait a moment',
    noPaidParts: 'No part of this sale is paid',
    paymentInProgress: 'A payment of this sale is still running: give the paid parts back once it has ended',
    completionPending: 'This sale is paid and being completed: nothing to give back; refund it once it is complete',
  },
};
