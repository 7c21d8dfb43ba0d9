import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import {
  CLSThresholds,
  FCPThresholds,
  INPThresholds,
  LCPThresholds,
  TTFBThresholds,
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
import type { PageView, RumContext } from '../context';
import { navigationEntry, observe, takeVitals, type TakenVitals } from '../browser/observe';
import { guard, safely } from '../guard';
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

/** web-vitals' rating of a value against a metric's [good, poor] thresholds. */
const rate = (value: number, [good, poor]: readonly number[]): string =>
  value <= good! ? 'good' : value <= poor! ? 'needs-improvement' : 'poor';

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Primitive attribution fields become `rum.web_vital.attribution.<snake_case>`; URLs are scrubbed. */
function primitiveAttribution(ctx: RumContext, attribution: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const key in attribution) {
    const value = attribution[key];
    if (typeof value === 'number' && Number.isFinite(value)) {
      out[S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION + snake(key)] = Math.round(value * 1000) / 1000;
    } else if (typeof value === 'string' && value) {
      out[S.ATTR_PREFIX_WEB_VITAL_ATTRIBUTION + snake(key)] =
        key === 'url' ? ctx.scrub(value) : value;
    }
  }
  return out;
}

/** A metric's attribution; for INP also its longest script and how many long frames it spanned. */
function attributionAttributes(ctx: RumContext, metric: AnyMetric): Attributes {
  const out = primitiveAttribution(ctx, metric.attribution as unknown as Record<string, unknown>);
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
  // LCP and FCP of a soft navigation are measured from the interaction that started it
  if (metric.navigationType === 'soft-navigation') return metric.navigationStartTime ?? 0;
  return 0; // navigation start: LCP, FCP and TTFB are measured from it
}

/**
 * The page view a metric belongs to: the document's, or for a soft navigation the route change
 * our history patch saw for it (same URL, begun after the interaction that started it).
 */
function viewOf(ctx: RumContext, metric: AnyMetric): PageView {
  if (metric.navigationType !== 'soft-navigation' || !metric.navigationURL) {
    return ctx.documentView;
  }
  const url = ctx.scrub(metric.navigationURL);
  const start = metric.navigationStartTime ?? 0;
  return (
    ctx.routeViews.find((view) => view.url === url && view.at >= start) ??
    ctx.newPageView(metric.navigationURL)
  );
}

/**
 * One `web_vital` span per final value. LCP, FCP and TTFB are final when web-vitals reports them
 * (on input or hide for LCP). INP and CLS can grow until the page goes, and web-vitals' own
 * report on hide comes too late on some ways out (a navigation fires `pagehide` first) or not at
 * all (its idle callback had not run): so every change is kept (`reportAllChanges`) and the
 * latest value per metric id becomes a span when the page hides or leaves, by any path.
 * A page hidden then shown again can report a metric id again: those reports carry
 * `rum.web_vital.repeat = true` and the collector's histograms skip them, so each page's vital is
 * counted once. bfcache restores are new page views with new ids.
 */
export function trackWebVitals(
  ctx: RumContext,
  frames?: { spanFor(entry: PerformanceEntry): SpanContext | undefined },
  /**
   * `hiddenAt`: when the page was first hidden, if before we started. LCP and FCP are over then,
   * and web-vitals (which only sees the visibility from its start) would not report them: they
   * are computed from what the browser buffered instead. `documentSent`: the document's TTFB, FCP
   * and LCP were sent already (by the page that adopted this one as it left, or by our earlier
   * start before consent was withdrawn and given again): not again.
   */
  { hiddenAt, documentSent }: { hiddenAt: number; documentSent: boolean } = {
    hiddenAt: Infinity,
    documentSent: false,
  },
): { stop(): void } {
  let stopped = false;
  /** Spans sent and the last value sent, by metric id. */
  const reports = new Map<string, { count: number; value: number }>();
  /** INP and CLS values not yet sent, by metric id (the latest of each). */
  const held = new Map<string, AnyMetric>();

  const emit = (metric: AnyMetric): void => {
    const last = reports.get(metric.id);
    const count = (last?.count ?? 0) + 1;
    reports.set(metric.id, { count, value: metric.value });
    const name = metric.name.toLowerCase();
    if (name === 'lcp' && count === 1) ctx.lcpRating = metric.rating;
    const now = performance.now();
    const start = spanStart(metric, now);
    const view = viewOf(ctx, metric);
    const span = ctx.startSpan(
      S.SPAN_WEB_VITAL,
      {
        [S.ATTR_WEB_VITAL_NAME]: name,
        [S.ATTR_WEB_VITAL_VALUE]: metric.value,
        // the change since this id's previous span (held changes add up)
        [S.ATTR_WEB_VITAL_DELTA]: metric.value - (last?.value ?? 0),
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
  };
  const report = guard((metric: AnyMetric) => {
    if (!stopped) emit(metric);
  });
  // Not at a `pagehide` that comes first (a navigation, a closing tab): the `visibilitychange`
  // that follows is where web-vitals takes the observer's last records, maybe a slower INP.
  const release = (): void => {
    if (stopped || document.visibilityState !== 'hidden') return;
    const metrics = [...held.values()];
    held.clear();
    metrics.forEach((metric) => safely(() => emit(metric)));
  };
  /**
   * INP and CLS: the latest value is held and sent as the page hides. web-vitals can report twice
   * within one `visibilitychange` (its records taken, then an idle callback it cut short), so a
   * report while hidden is sent by the flush at the end of that event (our listener bubbles,
   * after its capture ones), or by a timer if it came at another time.
   */
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hold = guard((metric: AnyMetric) => {
    if (stopped) return;
    // a soft navigation began a new metric id: the previous view's value is final
    for (const [id, previous] of held) {
      if (previous.name === metric.name && id !== metric.id) {
        held.delete(id);
        emit(previous);
      }
    }
    held.set(metric.id, { ...metric });
    if (document.visibilityState === 'hidden' && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        release();
      });
    }
  });
  ctx.onHide.add(release);

  // Per soft navigation where the browser has the Soft Navigations API (Chromium); elsewhere
  // web-vitals ignores the option and reports the document's values only.
  const soft = { reportSoftNavs: true };
  if (!documentSent) {
    if (hiddenAt === Infinity) {
      onLCP(report, soft);
      onFCP(report, soft);
    } else safely(() => sendTakenVitals(ctx, ctx.documentView, takeVitals(hiddenAt)));
    onTTFB(report);
  }
  onINP(hold, { ...soft, reportAllChanges: true });
  onCLS(hold, { ...soft, reportAllChanges: true });
  const stopFid = trackFirstInputDelay(ctx);

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      ctx.onHide.delete(release);
      stopFid?.();
    },
  };
}

/** CLS as web-vitals computes it: the largest window of shifts less than 1 s apart, within 5 s. */
export function clsOf(shifts: readonly [number, number][]): number {
  let max = 0;
  let sum = 0;
  let first = -Infinity;
  let last = -Infinity;
  for (const [at, value] of shifts) {
    if (at - last < 1_000 && at - first < 5_000) sum += value;
    else [sum, first] = [value, at];
    last = at;
    max = Math.max(max, sum);
  }
  return max;
}

/** A navigation entry, live or as a stored page's JSON (`activationStart` is not in TS's DOM yet). */
type NavigationTimes = Partial<PerformanceNavigationTiming & { activationStart: number }>;

/**
 * `web_vital` spans from entries the browser buffered (`takeVitals`), for what web-vitals never
 * watched: FCP and LCP of a page hidden before we started; and for a page closed before the rest
 * loaded (`page`: its clock's shift to ours and when it left), also its TTFB, CLS and INP (its
 * slowest interaction the browser buffered, see `takeVitals`). Same names, values, ratings and
 * navigation types as web-vitals gives; attribution as web-vitals' but for the elements (gone with
 * the page): LCP's URL and subparts, INP's type, timing breakdown and load state.
 */
export function sendTakenVitals(
  ctx: RumContext,
  view: PageView,
  taken: TakenVitals,
  page?: { shift: number; leftAt: number; navigation?: Record<string, unknown> },
): void {
  const navigation = (page ? page.navigation : navigationEntry()) as NavigationTimes | undefined;
  const activation = navigation?.activationStart || 0;
  const navigationType =
    activation > 0 ? 'prerender' : (navigation?.type ?? 'navigate').replace(/_/g, '-');
  const shift = page?.shift ?? 0;
  const send = (
    name: string,
    value: number,
    thresholds: readonly number[],
    start: number,
    attributes: Attributes = {},
  ): void => {
    const span = ctx.startSpan(
      S.SPAN_WEB_VITAL,
      {
        [S.ATTR_WEB_VITAL_NAME]: name,
        [S.ATTR_WEB_VITAL_VALUE]: value,
        [S.ATTR_WEB_VITAL_DELTA]: value,
        [S.ATTR_WEB_VITAL_ID]: `${name}-${view.id}`,
        [S.ATTR_WEB_VITAL_RATING]: rate(value, thresholds),
        [S.ATTR_WEB_VITAL_NAVIGATION_TYPE]: navigationType,
        [S.ATTR_WEB_VITAL_REPEAT]: false,
        ...attributes,
      },
      { startTime: shift + start, view },
    );
    span.end(shift + start + (name === 'cls' ? 0 : value));
  };
  // from the activation of a prerendered page, as web-vitals measures
  const sinceStart = (at: number): number => Math.max(0, at - activation);
  if (page && navigation?.responseStart) {
    send('ttfb', sinceStart(navigation.responseStart), TTFBThresholds, 0);
  }
  if (taken.fcp !== undefined) send('fcp', sinceStart(taken.fcp), FCPThresholds, 0);
  if (taken.lcp) {
    const [at, url, requestStart, responseEnd] = taken.lcp;
    const value = sinceStart(at);
    // web-vitals' subparts: from TTFB to the LCP resource's request, its load, then the render
    const ttfb = sinceStart(navigation?.responseStart ?? 0);
    const request = Math.max(ttfb, requestStart === undefined ? 0 : requestStart - activation);
    const response = Math.min(
      value,
      Math.max(request, responseEnd === undefined ? 0 : responseEnd - activation),
    );
    send(
      'lcp',
      value,
      LCPThresholds,
      0,
      primitiveAttribution(ctx, {
        url,
        timeToFirstByte: ttfb,
        resourceLoadDelay: request - ttfb,
        resourceLoadDuration: response - request,
        elementRenderDelay: value - response,
      }),
    );
  }
  // web-vitals reports CLS only once there was a contentful paint
  if (page && taken.shifts && taken.fcp !== undefined) {
    send('cls', clsOf(taken.shifts), CLSThresholds, page.leftAt);
  }
  if (page && taken.inp) {
    const [at, duration, start, end, type] = taken.inp;
    // web-vitals' names
    send(
      'inp',
      duration,
      INPThresholds,
      at,
      primitiveAttribution(ctx, {
        interactionTime: at,
        interactionType: type.startsWith('key') ? 'keyboard' : 'pointer',
        nextPaintTime: at + duration,
        inputDelay: start - at,
        processingDuration: end - start,
        presentationDelay: Math.max(0, at + duration - end),
        loadState: loadStateAt(at, navigation),
      }),
    );
  }
}

/**
 * web-vitals' `getLoadState` from a navigation entry as plain data (a closed page's): where the
 * load was at `at`. A time not reached yet (0) is still ahead.
 */
export function loadStateAt(at: number, n: NavigationTimes = {}): string {
  const reached = [n.domInteractive, n.domContentLoadedEventStart, n.domComplete];
  return (
    ['loading', 'dom-interactive', 'dom-content-loaded'][reached.findIndex((t) => !t || at < t)] ??
    'complete'
  );
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
    const rating = rate(value, FID_THRESHOLDS);
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
