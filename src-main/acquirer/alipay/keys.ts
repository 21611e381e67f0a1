/**
 * Alipay direct's keys in the form its SDK takes, checked: apart from ./provider.ts so that checking a technician's
 * settings does not load the SDK (see ../direct-providers.ts).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { AlipaySettings } from '../../../src-common/payment-provider';

/** The keys as alipay-sdk wants them (PKCS#8 private key, SPKI public key), whatever PEM form the technician pasted; throws when unreadable or not RSA. */
export function normalisedKeys(settings: Pick<AlipaySettings, 'privateKeyPem' | 'alipayPublicKeyPem'>): { privateKey: string; alipayPublicKey: string } {
  const privateKey = createPrivateKey(settings.privateKeyPem);
  const publicKey = createPublicKey(settings.alipayPublicKeyPem);
  if (privateKey.asymmetricKeyType !== 'rsa' || publicKey.asymmetricKeyType !== 'rsa') throw new TypeError('Alipay RSA2 keys must be RSA keys');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), alipayPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
