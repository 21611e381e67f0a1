/** A sale's receipt number as printed: the terminal id's last four characters and the sequence (used by sales, receipts, refunds, history). */
export function formatReceiptNumber(terminalId: string, receiptNo: number): string {
  return `${terminalId.slice(-4)}-${String(receiptNo).padStart(6, '0')}`;
}
