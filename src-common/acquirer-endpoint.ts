/**
 * Where the terminal may reach its acquirer. A live acquirer is reached over https only: its requests carry
 * payment codes and are signed with the terminal's key, and plain http would show both to the network. Plain
 * http is allowed only in sandbox mode (a sandbox acquirer on the shop's own machine or a test network).
 */
export type AcquirerMode = 'sandbox' | 'live';

/** The reason a base URL is refused for a mode (a validation reason code the console translates), or null. */
export function acquirerBaseUrlProblem(mode: AcquirerMode, baseUrl: string | null | undefined): 'required' | 'url_format' | 'https_required' | null {
  if (baseUrl === null || baseUrl === undefined || baseUrl === '') return mode === 'live' ? 'required' : null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'url_format';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'url_format';
  return mode === 'live' ? 'https_required' : null;
}

export const ACQUIRER_URL_MESSAGES = {
  required: 'a live acquirer needs its API address',
  url_format: 'an http(s) address such as https://api.shouqianba.com',
  https_required: 'a live acquirer is reached over https:// only (plain http is for the sandbox)',
} as const;
