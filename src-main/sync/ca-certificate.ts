/**
 * The CA certificate a technician pastes (or opens from a .pem file) to enrol with a store server whose certificate
 * that CA signs: checked before any connection, each refusal with its own reason so the screen can say what is
 * wrong (not a certificate, a private key, several certificates, not a CA, expired, not yet valid).
 */
import { X509Certificate } from 'node:crypto';
import { PosError } from '../../src-common/errors';
import type { ServerCertificate } from './pinned-https';

export type CaCertificateProblem = 'ca_certificate_not_pem' | 'ca_certificate_private_key' | 'ca_certificate_several' | 'ca_certificate_not_ca' | 'ca_certificate_expired' | 'ca_certificate_not_yet_valid';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function refuse(reason: CaCertificateProblem, message: string, extra: Record<string, string> = {}): never {
  throw new PosError('validation_failed', message, { reason, ...extra });
}

/** The one CA certificate in `text` (surrounding text such as `openssl x509 -text` output is allowed), valid at `now`. */
export function caCertificateOrRefuse(text: string, now: Date): ServerCertificate {
  // A key is never what is wanted here; say so rather than "not a certificate" (and keep it nowhere).
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) refuse('ca_certificate_private_key', 'That is a private key: give the CA’s certificate, never a key');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) refuse('ca_certificate_not_pem', 'The CA certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  if (blocks.length > 1) refuse('ca_certificate_several', `${blocks.length} certificates were given: give only the CA’s own certificate`);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(blocks[0]!);
  } catch {
    refuse('ca_certificate_not_pem', 'The CA certificate is not a PEM certificate (it does not parse)');
  }
  if (!x509.ca) refuse('ca_certificate_not_ca', `The certificate given (${x509.subject.replaceAll('\n', ', ')}) is not a CA certificate: give the certificate of the CA that signed the server’s`);
  const validTo = new Date(x509.validTo);
  const validFrom = new Date(x509.validFrom);
  if (validTo.getTime() < now.getTime()) refuse('ca_certificate_expired', `The CA certificate expired on ${validTo.toISOString()}`, { validTo: validTo.toISOString() });
  if (validFrom.getTime() > now.getTime()) refuse('ca_certificate_not_yet_valid', `The CA certificate is valid only from ${validFrom.toISOString()} (check this till’s clock)`, { validFrom: validFrom.toISOString() });
  return { pem: x509.toString(), fingerprint: x509.fingerprint256 };
}
