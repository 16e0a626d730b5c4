import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../core/secrets.js';
import { PreciseNumber } from '../shared/json-rows.js';
import { parseExactJson, restoreRecord, restoreScalar } from '../shared/exact-json.js';
import { getPath, parsePath } from './json-path.js';
import { findLink, parseLinkHeader } from './link-header.js';
import { recordErrors } from './record-errors.js';
import { Redactor, resolveSettings, targetUrl } from './settings.js';

describe('records paths', () => {
  it('parses $, dotted, $.-prefixed, indexes and bracketed keys', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('$')).toEqual([]);
    expect(parsePath('data.items')).toEqual(['data', 'items']);
    expect(parsePath('$.data.items')).toEqual(['data', 'items']);
    expect(parsePath('results[0].items')).toEqual(['results', 0, 'items']);
    expect(parsePath("$['odd.key'].x")).toEqual(['odd.key', 'x']);
    expect(() => parsePath('a..[')).toThrow(/invalid path/);
  });
  it('tells a missing path (undefined) from a JSON null', () => {
    const body = { data: { items: [1], none: null }, list: [{ a: 1 }] };
    expect(getPath(body, parsePath('data.items'))).toEqual([1]);
    expect(getPath(body, parsePath('data.none'))).toBeNull();
    expect(getPath(body, parsePath('data.missing'))).toBeUndefined();
    expect(getPath(body, parsePath('list.0.a'))).toBe(1);
    expect(getPath(body, parsePath('list.x'))).toBeUndefined();
  });
});

describe('RFC 8288 Link header', () => {
  it('finds rel=next among several links with quoted commas, semicolons and escapes', () => {
    const h = '<https://a/x?p=1>; rel="first"; title="a, b", <https://a/x?p=3>; title="the \\"next\\"; one"; rel="prev next", <https://a/x?p=9>; rel=last';
    const links = parseLinkHeader(h);
    expect(links).toHaveLength(3);
    expect(links[1]).toEqual({ target: 'https://a/x?p=3', params: { title: 'the "next"; one', rel: 'prev next' } });
    expect(findLink(h, 'next')).toBe('https://a/x?p=3');
    expect(findLink(h, 'LAST')).toBe('https://a/x?p=9');
    expect(findLink(h, 'other')).toBeUndefined();
    expect(findLink(null, 'next')).toBeUndefined();
  });
  it('keeps the first occurrence of a parameter and skips junk', () => {
    expect(parseLinkHeader('junk, </b>; rel=next; rel=prev')).toEqual([{ target: '/b', params: { rel: 'next' } }]);
  });
});

describe('exact JSON numbers', () => {
  it('keeps top-level big integers exact, long decimals as text, nested as numbers, cursors as digits', () => {
    const body = parseExactJson('{"items":[{"id":9007199254740993,"d":1.2345678901234567,"s":"12345678901234567890","n":{"x":12345678901234567}}],"next":98765432109876543210}') as { items: Record<string, unknown>[]; next: unknown };
    const rec = restoreRecord(body.items[0]!);
    expect(rec['id']).toBe(9007199254740993n);
    expect(rec['d']).toEqual(new PreciseNumber('1.2345678901234567'));
    expect(rec['s']).toBe('12345678901234567890');
    expect(rec['n']).toEqual({ x: 12345678901234568 });
    expect(restoreScalar(body.next)).toBe('98765432109876543210');
  });
});

describe('per-record errors', () => {
  it('reads [{index, error}] and parallel lists, and refuses other shapes', () => {
    expect([...recordErrors([{ index: 2, error: 'bad' }, { index: 0, message: 'worse' }], 3, 'w')]).toEqual([[2, 'bad'], [0, 'worse']]);
    expect([...recordErrors([null, { error: 'x' }, 'y', {}], 4, 'w')]).toEqual([[1, 'x'], [2, 'y']]);
    expect(recordErrors(undefined, 3, 'w').size).toBe(0);
    expect(recordErrors([], 3, 'w').size).toBe(0);
    expect([...recordErrors({ error: 'bad email' }, 1, 'w')]).toEqual([[0, 'bad email']]);
    expect(() => recordErrors([null], 3, 'w')).toThrow(/neither/);
    expect(() => recordErrors([{ index: 5, error: 'x' }], 3, 'w')).toThrow(/index 5/);
  });
});

describe('settings and redaction', () => {
  it('joins base_url and path with one slash; stage values override the connection', () => {
    const conn = { base_url: 'https://api.example.com/v1/', timeout_secs: 60, headers: { a: '1', b: '2' } };
    const s = resolveSettings({ path: '/items?x=1', headers: { b: '3' }, timeout_secs: 5 }, conn);
    const r = new Redactor(s);
    expect(targetUrl({ path: '/items?x=1' }, s, r).toString()).toBe('https://api.example.com/v1/items?x=1');
    expect(targetUrl({ url: 'http://other/x' }, s, r).toString()).toBe('http://other/x');
    expect(s).toMatchObject({ timeout_ms: 5000, headers: { a: '1', b: '3' }, concurrency: 1 });
    expect(() => targetUrl({ path: 'x' }, resolveSettings({}, undefined), r)).toThrow(/no base_url/);
  });
  it('hides auth values, credential headers and secret query parameters, and registers them', () => {
    const registry = new SecretRegistry();
    const r = new Redactor({ auth: { type: 'api_key', name: 'apikey', value: 'KEY-123456', in: 'query' }, headers: { 'X-Session': 'sess-abcdef' } }, registry);
    expect(r.url('https://a/x?apikey=KEY-123456&page=2&token=zzz&sig=abc')).toBe('https://a/x?apikey=***&page=2&token=***&sig=***');
    expect(r.text('key KEY-123456 and sess-abcdef')).toBe('key *** and ***');
    expect(registry.redact('KEY-123456')).toBe('***');
    const h = new Redactor({ headers: { Authorization: 'Bearer tok-987654' } });
    expect(h.text('sent Bearer tok-987654, then tok-987654')).toBe('sent ***, then ***');
  });
});
