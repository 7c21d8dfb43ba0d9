import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import {
  onCLS,
  onFCP,
  onINP,
  onLCP,
  onTTFB,
  type CLSMetricWithAttribution,
  type FCPMetricWithAttribution,
  type INPMetricWithAttribution,
  type LCPMetricWithAttribution,
  type TTFBMetricWithAttribution,
} from 'web-vitals/attribution';
import type { RumContext } from '../context';
import { observe } from '../browser/observe';
import { guard } from '../guard';
import { scrubUrlsInText } from '../privacy/url';
import * as S from '../semconv';

type AnyMetric =
  | CLSMetricWithAttribution
  | FCPMetricWithAttribution
  | INPMetricWithAttribution
  | LCPMetricWithAttribution
  | TTFBMetricWithAttribution;

/** FID thresholds (ms), from web-vitals 3 which still reported it. */
const FID_THRESHOLDS = [100, 300] as const;

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Primitive attribution fields become `rum.web_vital.attribution.<snake_case>`; URLs are scrubbed. */
function attributionAttributes(ctx: RumContext, metric: AnyMetric): Attributes {
  const out: Attributes = {};
  const attribution = metric.attribution as unknown as Record<string, unknown>;
  for (const key in attribution) {
    const value = attribution[key];
    if (typeof value === 'number' && Number.isFinite(value)) {
      out[S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION + snake(key)] = Math.round(value * 1000) / 1000;
    } else if (typeof value === 'string' && value) {
      out[S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION + snake(key)] =
        key === 'url' ? ctx.scrub(value) : value;
    }
  }
  if (metric.name === 'INP') {
    const script = metric.attribution.longestScript;
    if (script) {
      const p = `${S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION}longest_script.`;
      out[`${p}subpart`] = script.subpart;
      out[`${p}duration`] = Math.round(script.intersectingDuration);
      const entry = script.entry;
      if (entry.sourceURL) out[`${p}source_url`] = ctx.scrub(entry.sourceURL);
      if (entry.sourceFunctionName) out[`${p}function`] = entry.sourceFunctionName;
      if (entry.invoker) out[`${p}invoker`] = scrubUrlsInText(entry.invoker, ctx.scrub);
      if (entry.invokerType) out[`${p}invoker_type`] = entry.invokerType;
    }
    out[`${S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION}long_animation_frame_count`] =
      metric.attribution.longAnimationFrameEntries.length;
  }
  return out;
}

/** Performance-timeline start of a metric's span (the metric's value is its duration). */
function spanStart(metric: AnyMetric, now: number): number {
  if (metric.name === 'INP' && metric.attribution.interactionTime !== undefined) {
    return metric.attribution.interactionTime;
  }
  if (metric.name === 'CLS' || metric.navigationType === 'back-forward-cache') {
    return Math.max(0, now - (metric.name === 'CLS' ? 0 : metric.value));
  }
  return 0; // navigation start: LCP, FCP and TTFB are measured from it
}

/**
 * One `web_vital` span per report. web-vitals reports final values (on input for LCP, when the
 * page is hidden for CLS and INP). A page hidden then shown again can report the same metric id
 * again: those reports carry `rum.web_vital.repeat = true` and the collector's histograms skip
 * them, so each page's vital is counted once. bfcache restores are new page views with new ids.
 */
export function trackWebVitals(
  ctx: RumContext,
  frames?: { spanFor(entry: PerformanceEntry): SpanContext | undefined },
): { stop(): void } {
  let stopped = false;
  const reports = new Map<string, number>();

  const report = guard((metric: AnyMetric) => {
    if (stopped) return;
    const count = (reports.get(metric.id) ?? 0) + 1;
    reports.set(metric.id, count);
    const name = metric.name.toLowerCase();
    if (name === 'lcp' && count === 1) ctx.lcpRating = metric.rating;
    const now = performance.now();
    const start = spanStart(metric, now);
    const view = ctx.documentView;
    const span = ctx.startSpan(
      S.SPAN_WEB_VITAL,
      {
        [S.ATTR_WEB_VITAL_NAME]: name,
        [S.ATTR_WEB_VITAL_VALUE]: metric.value,
        [S.ATTR_WEB_VITAL_DELTA]: metric.delta,
        [S.ATTR_WEB_VITAL_ID]: metric.id,
        [S.ATTR_WEB_VITAL_RATING]: metric.rating,
        [S.ATTR_WEB_VITAL_NAVIGATION_TYPE]: metric.navigationType,
        [S.ATTR_WEB_VITAL_REPEAT]: count > 1,
        ...attributionAttributes(ctx, metric),
      },
      {
        startTime: start,
        view,
        links: metric.name === 'INP' ? inpLinks(ctx, metric, frames) : undefined,
      },
    );
    span.end(name === 'cls' ? start : Math.max(start, Math.min(now, start + metric.value)));
  });

  onLCP(report);
  onINP(report);
  onCLS(report);
  onFCP(report);
  onTTFB(report);
  const stopFid = trackFirstInputDelay(ctx);

  return {
    stop() {
      stopped = true;
      stopFid?.();
    },
  };
}

/** The INP span links to the click it measured and to the long frames that made it slow. */
function inpLinks(
  ctx: RumContext,
  metric: INPMetricWithAttribution,
  frames?: { spanFor(entry: PerformanceEntry): SpanContext | undefined },
): Link[] {
  const links: Link[] = [];
  const at = metric.attribution.interactionTime;
  const click = ctx.recentInteractions.find((i) => at !== undefined && Math.abs(i.at - at) < 50);
  if (click) links.push({ context: click.span, attributes: { 'rum.link.source': 'interaction' } });
  for (const entry of metric.attribution.longAnimationFrameEntries) {
    const frame = frames?.spanFor(entry);
    if (frame)
      links.push({ context: frame, attributes: { 'rum.link.source': 'long_animation_frame' } });
  }
  return links;
}

/** FID is deprecated (INP replaced it) and gone from web-vitals; kept for existing dashboards. */
function trackFirstInputDelay(ctx: RumContext): (() => void) | undefined {
  let done = false;
  const stop = observe('first-input', (entries) => {
    const entry = entries[0] as PerformanceEventTiming | undefined;
    if (!entry || done) return;
    done = true;
    stop?.();
    const value = entry.processingStart - entry.startTime;
    const rating =
      value <= FID_THRESHOLDS[0]
        ? 'good'
        : value <= FID_THRESHOLDS[1]
          ? 'needs-improvement'
          : 'poor';
    const span = ctx.startSpan(
      S.SPAN_WEB_VITAL,
      {
        [S.ATTR_WEB_VITAL_NAME]: 'fid',
        [S.ATTR_WEB_VITAL_VALUE]: value,
        [S.ATTR_WEB_VITAL_DELTA]: value,
        [S.ATTR_WEB_VITAL_ID]: `fid-${ctx.documentView.id}`,
        [S.ATTR_WEB_VITAL_RATING]: rating,
        [S.ATTR_WEB_VITAL_REPEAT]: false,
        [S.ATTR_WEB_VITAL_DEPRECATED]: true,
        [`${S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION}event_type`]: entry.name,
      },
      { startTime: entry.startTime, view: ctx.documentView },
    );
    span.end(entry.processingStart);
  });
  return stop;
}
