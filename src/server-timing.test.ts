import { describe, expect, it } from 'vitest';
import { serverTimingEntriesLink, serverTimingLink, traceparentLink } from './server-timing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('Server-Timing traceparent', () => {
  it('parses the header with other metrics around it', () => {
    const link = serverTimingLink(
      `db;dur=53, traceparent;desc="00-${TRACE}-${SPAN}-01", cache;desc=hit`,
    );
    expect(link?.context).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
  });
  it('parses an unquoted description and Resource Timing entries', () => {
    expect(serverTimingLink(`traceparent;desc=00-${TRACE}-${SPAN}-00`)?.context.traceFlags).toBe(0);
    expect(
      serverTimingEntriesLink([{ name: 'traceparent', description: `00-${TRACE}-${SPAN}-01` }])
        ?.context.spanId,
    ).toBe(SPAN);
  });
  it('ignores malformed or absent values', () => {
    expect(serverTimingLink(null)).toBeUndefined();
    expect(serverTimingLink('db;dur=5')).toBeUndefined();
    expect(traceparentLink(`00-${'0'.repeat(32)}-${SPAN}-01`)).toBeUndefined();
    expect(traceparentLink(`01-${TRACE}-${SPAN}`)).toBeUndefined();
    expect(serverTimingEntriesLink(undefined)).toBeUndefined();
  });
});
