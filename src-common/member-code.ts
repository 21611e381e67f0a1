/** What a member QR holds: this prefix and the member's random code (never the phone). */
export const MEMBER_QR_PREFIX = 'JZM1:';
export const MEMBER_QR_PATTERN = /^JZM1:[A-Za-z0-9_-]{8,32}$/;

/** A mainland China mobile number: 11 digits, 1 then 3–9. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
export function isMainlandMobile(text: string): boolean {
  return MAINLAND_MOBILE.test(text);
}
