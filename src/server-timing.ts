import { TraceFlags, type Link } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C traceparent (`00-<trace>-<span>-<flags>`) as a span link, or undefined if malformed. */
export function traceparentLink(value: string | undefined): Link | undefined {
  const m = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return {
    context: {
      traceId: m[1]!,
      spanId: m[2]!,
      traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED,
      isRemote: true,
    },
    attributes: { 'rum.link.source': 'server-timing' },
  };
}

/**
 * The backend's trace from a `Server-Timing` header value such as
 * `traceparent;desc="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", db;dur=53`.
 */
export function serverTimingLink(header: string | null | undefined): Link | undefined {
  if (!header) return undefined;
  for (const metric of header.split(',')) {
    const [name, ...params] = metric.split(';').map((p) => p.trim());
    if (name !== 'traceparent') continue;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim() === 'desc') {
        return traceparentLink(
          param
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, ''),
        );
      }
    }
  }
  return undefined;
}

/** The same, from Resource/Navigation Timing's parsed `serverTiming` entries. */
export function serverTimingEntriesLink(
  entries: readonly { name: string; description: string }[] | undefined,
): Link | undefined {
  const entry = entries?.find((e) => e.name === 'traceparent');
  return entry ? traceparentLink(entry.description) : undefined;
}
