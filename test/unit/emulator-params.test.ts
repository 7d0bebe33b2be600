import { describe, expect, test } from 'vitest';
import { flatList, flatObjects, Params, parseQuery } from '../../src/emulator/params.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('parseQuery', () => {
  test('decodes percent-encoding and form spaces; the last repeat wins', () => {
    expect(parseQuery('DiskName=a%20b%2Bc&x=1+2&x=3&Flag')).toEqual({ DiskName: 'a b+c', x: '3', Flag: '' });
    expect(parseQuery('')).toEqual({});
  });
  test('refuses broken percent-encoding', () => {
    expect(() => parseQuery('a=%E0%A4%A')).toThrow(code('InvalidParameter'));
  });
});

test('flattened lists and objects are reassembled in index order', () => {
  const raw = {
    'InstanceId.2': 'i-2',
    'InstanceId.10': 'i-10',
    'InstanceId.1': 'i-1',
    'Tag.2.Key': 'b',
    'Tag.1.Key': 'a',
    'Tag.1.Value': 'x',
  };
  expect(flatList(raw, 'InstanceId')).toEqual(['i-1', 'i-2', 'i-10']);
  expect(flatObjects(raw, 'Tag')).toEqual([{ Key: 'a', Value: 'x' }, { Key: 'b' }]);
});

describe('Params', () => {
  const p = new Params({
    Size: '40',
    Bad: '4x',
    On: 'TRUE',
    Empty: '',
    DiskIds: '["d-1","d-2"]',
    NotIds: '[1]',
    Parameters: '{"serial":"bp1","n":2}',
    Mode: 'online',
  });
  test('typed reads', () => {
    expect(p.int('Size', { min: 1 })).toBe(40);
    expect(p.bool('On')).toBe(true);
    expect(p.str('Empty')).toBeUndefined();
    expect(p.jsonStrings('DiskIds')).toEqual(['d-1', 'd-2']);
    expect(p.jsonMap('Parameters')).toEqual({ serial: 'bp1', n: 2 });
    expect(p.oneOf('Mode', ['offline', 'online'] as const, 'offline')).toBe('online');
    expect(p.oneOf('Absent', ['offline', 'online'] as const, 'offline')).toBe('offline');
  });
  test('malformed and missing values get the API codes', () => {
    expect(() => p.int('Bad')).toThrow(code('InvalidParameter'));
    expect(() => p.int('Size', { max: 10 })).toThrow(code('InvalidParameter'));
    expect(() => p.required('Empty')).toThrow(code('MissingParameter'));
    expect(() => p.jsonStrings('NotIds')).toThrow(code('InvalidParameter'));
    expect(() => p.jsonMap('DiskIds')).toThrow(code('InvalidParameter'));
    expect(() => p.oneOf('Mode', ['a'] as const, 'a')).toThrow(code('InvalidParameter'));
    expect(() => new Params({ Flag: 'yes' }).bool('Flag')).toThrow(code('InvalidParameter'));
  });
});
