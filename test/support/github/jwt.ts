/**
 * GitHub App JSON Web Tokens (RS256), signed and checked as GitHub checks them:
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */

import { createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export interface AppJwtClaims {
  /** Issued at, in seconds since the epoch. */
  iat: number;
  /** Expires at, in seconds since the epoch (at most 10 minutes after now). */
  exp: number;
  /** The App's id (or its client id). */
  iss: number | string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** A JWT over `claims` signed with `privateKeyPem` (RS256). */
export function signJwt(claims: object, privateKeyPem: string, header: object = { alg: 'RS256', typ: 'JWT' }): string {
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem);
  return `${unsigned}.${b64url(signature)}`;
}

/** Whether a bearer credential is shaped like a JWT (three base64url parts). */
export function looksLikeJwt(credential: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(credential);
}

export type JwtCheck = { ok: true; claims: AppJwtClaims } | { ok: false; message: string };

/** Checks an App JWT as GitHub does; the messages are GitHub's. */
export function verifyAppJwt(
  jwt: string,
  app: { id: number; clientId: string; publicKeyPem: string | KeyObject },
  nowSeconds: number,
): JwtCheck {
  const undecodable: JwtCheck = { ok: false, message: 'A JSON web token could not be decoded' };
  const [head, body, signature] = jwt.split('.');
  if (head === undefined || body === undefined || signature === undefined) return undecodable;
  let header: { alg?: unknown };
  let claims: Partial<Record<keyof AppJwtClaims, unknown>>;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return undecodable;
  }
  if (header.alg !== 'RS256' || typeof claims !== 'object' || claims === null) return undecodable;
  const key = typeof app.publicKeyPem === 'string' ? createPublicKey(app.publicKeyPem) : app.publicKeyPem;
  const valid = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(key, Buffer.from(signature, 'base64url'));
  const { iat, exp, iss } = claims;
  if (!(iss === app.id || iss === String(app.id) || iss === app.clientId)) {
    return {
      ok: false,
      message: typeof iss === 'number' || typeof iss === 'string' ? 'Integration not found' : "'Issuer' claim ('iss') must be an Integer",
    };
  }
  if (!valid) return undecodable;
  // GitHub tolerates a little clock drift: iat up to a minute ahead.
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowSeconds + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." };
  }
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= nowSeconds) {
    return {
      ok: false,
      message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    };
  }
  if (exp > nowSeconds + 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future." };
  return { ok: true, claims: { iat, exp, iss } };
}
