import { describe, expect, it } from 'vitest';
import { scrubUrl, scrubUrlsInText } from './url';
import { redactAll, redactText } from './patterns';

describe('scrubUrl', () => {
  it('drops query values and fragments by default', () => {
    expect(scrubUrl('https://shop.example/search?q=shoes&page=2#reviews')).toBe(
      'https://shop.example/search?q=*&page=*',
    );
  });
  it('keeps allowed query values', () => {
    expect(scrubUrl('https://shop.example/?utm_source=news&token=abc', ['utm_source'])).toBe(
      'https://shop.example/?utm_source=news&token=*',
    );
  });
  it('redacts emails, tokens and long ids in paths, and credentials', () => {
    expect(scrubUrl('https://u:p@shop.example/users/jane@example.com/orders')).toBe(
      'https://shop.example/users/[email]/orders',
    );
    expect(scrubUrl('https://shop.example/reset/9f86d081884c7d659a2feaa0c55ad015')).toBe(
      'https://shop.example/reset/[id]',
    );
    expect(
      scrubUrl('https://api.example/v1/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc123def'),
    ).toBe('https://api.example/v1/[token]');
  });
  it('resolves relative URLs against a base', () => {
    expect(scrubUrl('/a?b=c', [], 'https://x.example/p')).toBe('https://x.example/a?b=*');
  });
  it('handles data: URLs and garbage', () => {
    expect(scrubUrl('data:image/png;base64,AAAA')).toBe('data:[redacted]');
    expect(scrubUrl('not a url?secret=1')).toBe('not a url');
  });
});

describe('redactText', () => {
  it('removes PII from free text', () => {
    const out = redactText(
      'user jane@example.com paid with 4111 1111 1111 1111 using Bearer abcdef1234567890 id 550e8400-e29b-41d4-a716-446655440000',
    );
    expect(out).not.toMatch(/jane|4111|abcdef1234567890|550e8400/);
    expect(out).toContain('[email]');
    expect(out).toContain('[card]');
  });
  it('each kind, where kinds overlap, and what is left alone', () => {
    const cases: [string, string][] = [
      ['user jane@example.com paid', 'user [email] paid'],
      ['Bearer abcdef1234567890', 'Bearer [token]'],
      ['token=abc', 'token=abc'],
      ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [token]'],
      ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc123def', '[token]'],
      ['order 550E8400-E29B-41D4-A716-446655440000 done', 'order [id] done'],
      ['4111-1111-1111-1111', '[card]'],
      ['4111111111111111@bank.io', '[email]'],
      ['deadbeefdeadbeefdeadbeef', '[id]'],
      ['sk_live_51HxYzAbCdEfGhIjKlMnOpQr', '[id]'],
      ['short', 'short'],
      ['1234567890123', '[card]'],
      ['123456789012', '123456789012'],
      ['a@b.cc', '[email]'],
      ['Bearer eyJabcdefg.hijklmn.op', 'Bearer [token]'],
      ['x 0123456789abcdef0123456789abcdef y', 'x [id] y'],
      ['id=eyJabcde.fghij.klm;user=bob@x.io', 'id=[token];user=[email]'],
      ['products', 'products'],
      ['abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyz'],
      ['token  12345678', 'token [token]'],
      ['deadbeef-cafe-face-beef-facadecafeba', '[id]'],
      ['EYJABCDEFG.HIJKLMN.OP', '[token]'],
      ['Bearer\u00a0abcdefghijkl', 'Bearer [token]'],
    ];
    for (const [text, redacted] of cases)
      expect([text, redactText(text)]).toEqual([text, redacted]);
  });
  it('skips the scan only for texts the scan would leave alone', () => {
    // pieces of every kind of secret, joined at random: many texts are redacted, many are not
    const pieces = [
      'eyJ',
      'EYj',
      'abc',
      'def',
      'DEAD',
      'beef',
      'x',
      'Z',
      'qr',
      'uvw',
      '-',
      '_',
      '.',
      '/',
      '=',
      '@',
      'io',
      ' ',
      '\t',
      'Bearer',
      'basic',
      'token',
      '7',
      '0123',
      'cafe',
      'Face',
      'b@c.de',
      '42',
      '\u00a0',
      'é',
      'ok',
    ];
    let seed = 1;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    let redacted = 0;
    let skipped = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let k = 1 + random(20); k > 0; k--) text += pieces[random(pieces.length)];
      const full = redactAll(text);
      expect([text, redactText(text)]).toEqual([text, full]);
      if (full !== text) redacted++;
      else skipped++;
    }

    expect(redacted).toBeGreaterThan(2_000);
    expect(skipped).toBeGreaterThan(2_000);
  });
});

describe('scrubUrlsInText', () => {
  it('scrubs URLs inside stack frames and invokers, keeping line and column', () => {
    const stack =
      'Error: x\n    at pay (https://shop.example/app.js?token=abc:10:5)\n    at https://shop.example/u/jane@example.com:3:1';
    expect(scrubUrlsInText(stack, (u) => scrubUrl(u))).toBe(
      'Error: x\n    at pay (https://shop.example/app.js?token=*:10:5)\n    at https://shop.example/u/[email]:3:1',
    );
    expect(scrubUrlsInText('BUTTON#pay.onclick', scrubUrl)).toBe('BUTTON#pay.onclick');
    expect(scrubUrlsInText('see HTTPS://shop.example/?token=abc', scrubUrl)).toBe(
      'see HTTPS://shop.example/?token=abc',
    );
  });
});
