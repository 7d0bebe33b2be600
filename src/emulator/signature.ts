/**
 * Server-side check of the two signature forms the ECS SDK can send (docs/ecs-wire-protocol.md §3.3
 * and §3.5): ACS3-HMAC-SHA256 in the `Authorization` header, and the legacy RPC v1 HMAC-SHA1 form in
 * the query. Pure functions; the nonce memory lives in `NonceCache`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { EcsError, missing } from './errors.js';
import type { RawParams } from './params.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Both forms reject a date further than this from the server clock, like the real gateway. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** RFC 3986 encoding: unreserved characters stay, everything else is %XX with upper-case hex. */
export function pct(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Sorted by UTF-16 code units, which equals byte order for the ASCII parameter names ECS uses. */
export function canonicalQuery(params: RawParams): string {
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${pct(k)}=${pct(params[k] ?? '')}`)
    .join('&');
}

export interface SignableRequest {
  method: string;
  path: string;
  /** Decoded query parameters (and form body parameters for the v1 form). */
  params: RawParams;
  /** Node's `IncomingMessage.headers`: lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

const ACS3_AUTH = /^ACS3-HMAC-SHA256 Credential=([^,]*),SignedHeaders=([^,]*),Signature=([0-9a-f]+)$/;

export function parseAcs3Authorization(header: string): Acs3Authorization | null {
  const m = ACS3_AUTH.exec(header.trim());
  if (!m?.[1] || !m[2] || !m[3]) return null;
  return { accessKeyId: m[1], signedHeaders: m[2].split(';').sort(), signature: m[3] };
}

function headerValue(headers: SignableRequest['headers'], name: string): string {
  const v = headers[name];
  if (Array.isArray(v))
    return v
      .map((x) => x.trim())
      .sort()
      .join(',');
  return (v ?? '').trim();
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export function acs3CanonicalRequest(
  req: SignableRequest,
  signedHeaders: string[],
  payloadHash: string,
): string {
  const headers = signedHeaders.map((h) => `${h}:${headerValue(req.headers, h)}\n`).join('');
  return [
    req.method.toUpperCase(),
    req.path,
    canonicalQuery(req.params),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function acs3Signature(secret: string, canonicalRequest: string): string {
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export function v1Signature(secret: string, method: string, params: RawParams): string {
  const { Signature: _ignored, ...signed } = params;
  const stringToSign = `${method.toUpperCase()}&${pct('/')}&${pct(canonicalQuery(signed))}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifiedCaller {
  accessKeyId: string;
  nonce: string;
}

/** The ACS3 headers without which a replay or a cross-action reuse could not be detected. */
const REQUIRED_SIGNED = ['host', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce'];

function checkDate(raw: string | undefined, nowMs: number): void {
  const t = raw ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(t)) throw new EcsError('IncompleteSignature', 'The request date is missing or malformed.');
  if (Math.abs(nowMs - t) > MAX_CLOCK_SKEW_MS) throw new EcsError('InvalidTimeStamp.Expired');
}

function verifyAcs3(
  req: SignableRequest,
  header: string,
  lookupSecret: (id: string) => string | undefined,
  nowMs: number,
): VerifiedCaller {
  const auth = parseAcs3Authorization(header);
  if (!auth) throw new EcsError('IncompleteSignature');
  const absent = REQUIRED_SIGNED.filter((h) => !auth.signedHeaders.includes(h));
  if (absent.length > 0) {
    throw new EcsError('IncompleteSignature', `The signed headers must include ${absent.join(', ')}.`);
  }
  const secret = lookupSecret(auth.accessKeyId);
  if (secret === undefined) throw new EcsError('InvalidAccessKeyId.NotFound');
  const payloadHash = sha256Hex(req.body);
  if (payloadHash !== headerValue(req.headers, 'x-acs-content-sha256')) {
    throw new EcsError('SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the body.');
  }
  const expected = acs3Signature(secret, acs3CanonicalRequest(req, auth.signedHeaders, payloadHash));
  if (!safeEqual(expected, auth.signature)) throw new EcsError('SignatureDoesNotMatch');
  checkDate(headerValue(req.headers, 'x-acs-date'), nowMs);
  return { accessKeyId: auth.accessKeyId, nonce: headerValue(req.headers, 'x-acs-signature-nonce') };
}

function verifyV1(
  req: SignableRequest,
  lookupSecret: (id: string) => string | undefined,
  nowMs: number,
): VerifiedCaller {
  const p = req.params;
  for (const name of ['AccessKeyId', 'SignatureMethod', 'SignatureNonce', 'Timestamp']) {
    if (!p[name]) throw missing(name);
  }
  if (p.SignatureMethod !== 'HMAC-SHA1') {
    throw new EcsError('IncompleteSignature', 'Only SignatureMethod HMAC-SHA1 is supported by the v1 form.');
  }
  const secret = lookupSecret(p.AccessKeyId ?? '');
  if (secret === undefined) throw new EcsError('InvalidAccessKeyId.NotFound');
  if (!safeEqual(v1Signature(secret, req.method, p), p.Signature ?? '')) {
    throw new EcsError('SignatureDoesNotMatch');
  }
  checkDate(p.Timestamp, nowMs);
  return { accessKeyId: p.AccessKeyId ?? '', nonce: p.SignatureNonce ?? '' };
}

/**
 * Verifies whichever form the request carries: an `Authorization` header means ACS3, a `Signature`
 * query parameter means v1, neither means the request is unsigned.
 * @throws EcsError with the code the real gateway answers.
 */
export function verifySignature(
  req: SignableRequest,
  lookupSecret: (id: string) => string | undefined,
  nowMs: number,
): VerifiedCaller {
  const header = headerValue(req.headers, 'authorization');
  if (header) return verifyAcs3(req, header, lookupSecret, nowMs);
  if (req.params.Signature !== undefined) return verifyV1(req, lookupSecret, nowMs);
  throw new EcsError(
    'IncompleteSignature',
    'The request carries neither an Authorization header nor a Signature.',
  );
}

/** Remembers nonces for the clock-skew window, after which an old request fails on its date anyway. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** @returns false when the nonce was already used by this access key. */
  remember(accessKeyId: string, nonce: string, nowMs: number): boolean {
    for (const [key, expires] of this.seen) {
      if (expires > nowMs) break;
      this.seen.delete(key);
    }
    const key = `${accessKeyId}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, nowMs + 2 * MAX_CLOCK_SKEW_MS);
    return true;
  }
}
