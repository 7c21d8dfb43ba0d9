import { describe, expect, it } from 'vitest';
import { scrubUrl, scrubUrlsInText } from './url';
import { redactText } from './patterns';

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
});

describe('scrubUrlsInText', () => {
  it('scrubs URLs inside stack frames and invokers, keeping line and column', () => {
    const stack =
      'Error: x\n    at pay (https://shop.example/app.js?token=abc:10:5)\n    at https://shop.example/u/jane@example.com:3:1';
    expect(scrubUrlsInText(stack, (u) => scrubUrl(u))).toBe(
      'Error: x\n    at pay (https://shop.example/app.js?token=*:10:5)\n    at https://shop.example/u/[email]:3:1',
    );
    expect(scrubUrlsInText('BUTTON#pay.onclick', scrubUrl)).toBe('BUTTON#pay.onclick');
  });
});
