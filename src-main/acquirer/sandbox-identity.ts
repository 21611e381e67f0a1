/**
 * The sandbox acquirer's vendor identity and activation code: the defaults of sandbox mode, whether the
 * sandbox runs inside the terminal or on its own. Kept apart from sandbox/ so production code can name
 * them without loading the sandbox. Sandbox-only values, compiled in: not secrets.
 */
export const SANDBOX_VENDOR_SN = '91800000001';
export const SANDBOX_VENDOR_KEY = '5a9e0c1f3b7d4e2a8c6f0b1d3e5a7c9f';
export const SANDBOX_APP_ID = '2025000000000001';
/** Reusable, never expires. */
export const SANDBOX_ACTIVATION_CODE = 'SANDBOX-ACTIVATE-0001';
