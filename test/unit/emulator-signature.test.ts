import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  acs3CanonicalRequest,
  acs3Signature,
  canonicalQuery,
  EMPTY_SHA256,
  NonceCache,
  parseAcs3Authorization,
  pct,
  type SignableRequest,
  v1Signature,
  verifySignature,
} from '../../src/emulator/signature.js';

/** The request captured from the real SDK in docs/ecs-wire-protocol.md §3.4. */
const KAT: SignableRequest = {
  method: 'POST',
  path: '/',
  params: {
    DiskCategory: 'cloud_essd',
    DiskName: 'probe disk (test)*',
    MultiAttach: 'Enabled',
    RegionId: 'cn-hangzhou',
    Size: '40',
    'Tag.1.Key': 'k8s',
    'Tag.1.Value': 'a b+c',
    ZoneId: 'cn-hangzhou-i',
  },
  headers: {
    host: '127.0.0.1:44597',
    'x-acs-version': '2014-05-26',
    'x-acs-action': 'CreateDisk',
    'x-acs-date': '2026-11-25T07:48:01Z',
    'x-acs-signature-nonce': 'adab9ad825ec1cf57b4f7cde36501365791208c92bfdd0e162b94a88642769d0',
    'x-acs-content-sha256': EMPTY_SHA256,
    'x-acs-credentials-provider': 'static_ak',
    authorization:
      'ACS3-HMAC-SHA256 Credential=LTAI5tEmulatorTestKey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=b2648eed0989a9e2b2927a75f78e5f79c39efde42a7e5f2e7b81244dfaf5d2ab',
  },
  body: Buffer.alloc(0),
};
const KAT_NOW = Date.parse('2026-11-25T07:48:05Z');
const secrets = (id: string) => (id === 'LTAI5tEmulatorTestKey' ? 'emulator-secret-123' : undefined);

describe('ACS3-HMAC-SHA256', () => {
  test('reproduces the known-answer vector byte for byte', () => {
    const auth = parseAcs3Authorization(String(KAT.headers.authorization))!;
    const canonical = acs3CanonicalRequest(KAT, auth.signedHeaders, EMPTY_SHA256);
    expect(canonical.split('\n')[2]).toBe(
      'DiskCategory=cloud_essd&DiskName=probe%20disk%20%28test%29%2A&MultiAttach=Enabled&RegionId=cn-hangzhou&Size=40&Tag.1.Key=k8s&Tag.1.Value=a%20b%2Bc&ZoneId=cn-hangzhou-i',
    );
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(
      '3254e83a266cb778f0a63fd7bf555cdaed3631b6b0a6dd24724dd740bab486ad',
    );
    expect(acs3Signature('emulator-secret-123', canonical)).toBe(auth.signature);
    expect(verifySignature(KAT, secrets, KAT_NOW)).toEqual({
      accessKeyId: 'LTAI5tEmulatorTestKey',
      nonce: 'adab9ad825ec1cf57b4f7cde36501365791208c92bfdd0e162b94a88642769d0',
    });
  });

  test.each([
    ['a wrong secret', { ...KAT }, () => 'other', 'SignatureDoesNotMatch'],
    ['an unknown key', KAT, () => undefined, 'InvalidAccessKeyId.NotFound'],
    [
      'a tampered parameter',
      { ...KAT, params: { ...KAT.params, Size: '41' } },
      secrets,
      'SignatureDoesNotMatch',
    ],
    [
      'a body that does not match its hash',
      { ...KAT, body: Buffer.from('x') },
      secrets,
      'SignatureDoesNotMatch',
    ],
    [
      'a malformed Authorization header',
      { ...KAT, headers: { ...KAT.headers, authorization: 'Bearer x' } },
      secrets,
      'IncompleteSignature',
    ],
    ['no signature at all', { ...KAT, headers: { host: 'h' } }, secrets, 'IncompleteSignature'],
  ])('%s → %s', (_name, req, lookup, code) => {
    expect(() => verifySignature(req as SignableRequest, lookup, KAT_NOW)).toThrow(
      expect.objectContaining({ code }),
    );
  });

  test('a request signed too long ago is refused', () => {
    expect(() => verifySignature(KAT, secrets, KAT_NOW + 16 * 60 * 1000)).toThrow(
      expect.objectContaining({ code: 'InvalidTimeStamp.Expired' }),
    );
  });

  test('the signed headers must cover date, nonce, body hash and host', () => {
    const auth = String(KAT.headers.authorization).replace('x-acs-signature-nonce;', '');
    expect(() =>
      verifySignature({ ...KAT, headers: { ...KAT.headers, authorization: auth } }, secrets, KAT_NOW),
    ).toThrow(expect.objectContaining({ code: 'IncompleteSignature' }));
  });
});

describe('RPC v1 HMAC-SHA1', () => {
  const params = {
    Action: 'DescribeDisks',
    Format: 'json',
    Version: '2014-05-26',
    Timestamp: '2026-11-25T07:48:08Z',
    SignatureNonce: 'n-1',
    DiskIds: '["d-emu000000000001"]',
    RegionId: 'cn-hangzhou',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: 'k',
  };
  const req = (p: Record<string, string>): SignableRequest => ({
    method: 'POST',
    path: '/',
    params: p,
    headers: {},
    body: Buffer.alloc(0),
  });
  const now = Date.parse('2026-11-25T07:48:10Z');

  test('accepts a correct signature and refuses a wrong one', () => {
    const signature = v1Signature('s', 'POST', params);
    expect(verifySignature(req({ ...params, Signature: signature }), () => 's', now)).toEqual({
      accessKeyId: 'k',
      nonce: 'n-1',
    });
    expect(() => verifySignature(req({ ...params, Signature: signature }), () => 't', now)).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch' }),
    );
  });

  test('a missing nonce is a MissingParameter', () => {
    const { SignatureNonce: _n, ...rest } = params;
    expect(() => verifySignature(req({ ...rest, Signature: 'x' }), () => 's', now)).toThrow(
      expect.objectContaining({ code: 'MissingParameter' }),
    );
  });
});

test('pct and canonicalQuery follow RFC 3986 and byte order', () => {
  expect(pct("a b+c!'()*~._-é")).toBe('a%20b%2Bc%21%27%28%29%2A~._-%C3%A9');
  expect(canonicalQuery({ b: '2', B: '1', 'a.1': 'x y' })).toBe('B=1&a.1=x%20y&b=2');
});

test('a nonce is accepted once per key, and forgotten after the skew window', () => {
  const cache = new NonceCache();
  expect(cache.remember('k', 'n', 0)).toBe(true);
  expect(cache.remember('k', 'n', 1000)).toBe(false);
  expect(cache.remember('other', 'n', 1000)).toBe(true);
  expect(cache.remember('k', 'n', 31 * 60 * 1000)).toBe(true);
});
