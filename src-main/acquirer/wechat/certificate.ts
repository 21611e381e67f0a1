import { X509Certificate } from 'node:crypto';

/** The end of a PEM certificate's validity (ISO 8601), or null when it is not a readable certificate. */
export function certificateNotAfter(pem: string): string | null {
  try {
    const end = new Date(new X509Certificate(pem).validTo);
    return Number.isNaN(end.getTime()) ? null : end.toISOString();
  } catch {
    return null;
  }
}
