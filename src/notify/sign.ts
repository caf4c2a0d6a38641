/**
 * Signatures of outgoing notifications, made exactly as GitHub signs webhook deliveries: the
 * `x-hub-signature-256` header is `sha256=` + the hex HMAC-SHA256 of the raw body bytes, keyed
 * with the subscriber's secret. A subscriber verifies with any GitHub webhook library (e.g.
 * @octokit/webhooks-methods `verify(secret, body, signature)`), comparing in constant time.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** `sha256=<hex HMAC-SHA256 of body>`. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a `sha256=...` signature of `body`. */
export function verifyBody(secret: string, body: string | Uint8Array, signature: string | undefined): boolean {
  if (signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
