import { describe, expect, it } from 'vitest';
import { urlMatcher } from './url-match';

describe('urlMatcher', () => {
  const api = urlMatcher('https://api.example.com');

  it('matches the URL itself and what follows it after a boundary', () => {
    for (const url of [
      'https://api.example.com',
      'https://api.example.com/',
      'https://api.example.com/v1/items?id=3',
      'https://api.example.com?q=1',
      'https://api.example.com#top',
      'https://api.example.com:8443/v1',
    ])
      expect(api.test(url), url).toBe(true);
  });

  it('does not match a longer host name or another domain that starts the same way', () => {
    for (const url of [
      'https://api.example.com.evil.net/collect',
      'https://api.example.community/',
      'https://api.example.comx',
      'http://api.example.com/v1',
    ])
      expect(api.test(url), url).toBe(false);
  });

  it('a path prefix stops at a path boundary; one ending in a boundary is a plain prefix', () => {
    const v1 = urlMatcher('https://api.example.com/v1');
    expect(v1.test('https://api.example.com/v1/items')).toBe(true);
    expect(v1.test('https://api.example.com/v1beta/items')).toBe(false);
    const slash = urlMatcher('https://api.example.com/v1/');
    expect(slash.test('https://api.example.com/v1/items')).toBe(true);
    expect(slash.test('https://api.example.com/v1')).toBe(false);
  });

  it('escapes regular-expression characters in strings and keeps RegExps as they are', () => {
    expect(urlMatcher('https://a.example/x+y').test('https://a.example/x+y/z')).toBe(true);
    expect(urlMatcher('https://a.example/x+y').test('https://a.example/xxy/z')).toBe(false);
    const re = /analytics/;
    expect(urlMatcher(re)).toBe(re);
  });
});
