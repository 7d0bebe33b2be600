import { describe, expect, it } from 'vitest';
import { isRequestId, newRequestId } from '../../src/workflow/request.js';

describe('request ids', () => {
  it('are R- plus 10 Crockford base32 characters', () => {
    const id = newRequestId(Date.UTC(2025, 10, 25));
    expect(id).toMatch(/^R-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(isRequestId(id)).toBe(true);
  });

  it('start with the time so later ids sort after earlier ones', () => {
    const zero = () => new Uint8Array(4);
    const a = newRequestId(1_700_000_000_000, zero);
    const b = newRequestId(1_700_000_001_000, zero);
    expect(a < b).toBe(true);
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
  });

  it('differ within the same second', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newRequestId(1_700_000_000_000)));
    expect(ids.size).toBeGreaterThan(190);
  });

  it('rejects look-alikes', () => {
    expect(isRequestId('R-abc')).toBe(false);
    expect(isRequestId('X-0123456789')).toBe(false);
    expect(isRequestId('R-01234567 9')).toBe(false);
  });
});
