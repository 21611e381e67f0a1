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

/** A PEM certificate's serial number (upper-case hex, as WeChat writes it), or null when it is not readable. */
export function certificateSerial(pem: string): string | null {
  try {
    return new X509Certificate(pem).serialNumber.toUpperCase();
  } catch {
    return null;
  }
}
