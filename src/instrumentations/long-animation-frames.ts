import type { Attributes, SpanContext } from '@opentelemetry/api';
import type { RumContext } from '../context';
import { observe } from '../browser/observe';
import { scrubUrlsInText } from '../privacy/url';

/** Long frames per page view, at most: a janky page cannot flood the collector. */
export const MAX_FRAMES_PER_VIEW = 50;

interface ScriptTiming {
  duration: number;
  invoker?: string;
  invokerType?: string;
  sourceURL?: string;
  sourceFunctionName?: string;
  forcedStyleAndLayoutDuration?: number;
}
interface LongAnimationFrame extends PerformanceEntry {
  blockingDuration?: number;
  renderStart?: number;
  styleAndLayoutStart?: number;
  scripts?: ScriptTiming[];
}

/** Key shared by our entries and the copies web-vitals attaches to INP. */
export const frameKey = (e: PerformanceEntry): string =>
  `${Math.round(e.startTime)}:${Math.round(e.duration)}`;

/**
 * `long-animation-frame` entries (fallback: `longtask`) as `long_animation_frame` spans with the
 * longest script's attribution. Their span contexts are kept by frame so the INP span can link to
 * the frames that made the interaction slow.
 */
export function trackLongAnimationFrames(ctx: RumContext): {
  stop(): void;
  spanFor(entry: PerformanceEntry): SpanContext | undefined;
} {
  const spans = new Map<string, SpanContext>();
  const perView = new Map<string, number>();
  const onEntries = (entries: PerformanceEntry[]): void => {
    for (const entry of entries as LongAnimationFrame[]) {
      const view = ctx.currentView;
      const count = perView.get(view.id) ?? 0;
      if (count >= MAX_FRAMES_PER_VIEW) continue;
      perView.set(view.id, count + 1);
      const attrs: Attributes = {
        'rum.loaf.duration': Math.round(entry.duration),
        'rum.loaf.type': entry.entryType,
      };
      if (entry.blockingDuration !== undefined)
        attrs['rum.loaf.blocking_duration'] = Math.round(entry.blockingDuration);
      const scripts = entry.scripts ?? [];
      if (scripts.length) {
        attrs['rum.loaf.script_count'] = scripts.length;
        const top = scripts.reduce((a, b) => (b.duration > a.duration ? b : a));
        attrs['rum.loaf.script.duration'] = Math.round(top.duration);
        if (top.sourceURL) attrs['rum.loaf.script.source_url'] = ctx.scrub(top.sourceURL);
        if (top.sourceFunctionName) attrs['rum.loaf.script.function'] = top.sourceFunctionName;
        if (top.invoker) attrs['rum.loaf.script.invoker'] = scrubUrlsInText(top.invoker, ctx.scrub);
        if (top.invokerType) attrs['rum.loaf.script.invoker_type'] = top.invokerType;
        if (top.forcedStyleAndLayoutDuration) {
          attrs['rum.loaf.script.forced_style_and_layout'] = Math.round(
            top.forcedStyleAndLayoutDuration,
          );
        }
      }
      const span = ctx.startSpan('long_animation_frame', attrs, { startTime: entry.startTime });
      span.end(entry.startTime + entry.duration);
      spans.set(frameKey(entry), span.spanContext());
      if (spans.size > 500) spans.delete(spans.keys().next().value!);
    }
  };
  const stop = observe('long-animation-frame', onEntries) ?? observe('longtask', onEntries);
  return { stop: () => stop?.(), spanFor: (entry) => spans.get(frameKey(entry)) };
}
