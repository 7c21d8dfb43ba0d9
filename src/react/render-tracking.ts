import { createElement, useLayoutEffect, useRef, type ComponentType } from 'react';
import { getRum } from '../instance';
import {
  ATTR_COMPONENT_NAME,
  ATTR_COMPONENT_PHASE,
  ATTR_COMPONENT_RENDER_MS,
  EVENT_COMPONENT_RENDER,
} from './attributes';
import { now, withRum } from './safe';

/**
 * Reports how long the component took to mount: from the start of its first render (this call)
 * to the commit (its layout effect, which runs after its children's). One `component_render`
 * event per mounted instance; updates are not measured, and nothing is done without an instance.
 */
export function useRenderTracking(name: string): void {
  // Refs survive StrictMode's double render and double effect, so both count as one mount.
  const start = useRef<number | undefined>(undefined);
  const done = useRef(false);
  if (start.current === undefined && !done.current && getRum()) start.current = now();
  useLayoutEffect(() => {
    if (done.current || start.current === undefined) return;
    done.current = true;
    const renderMs = Math.round((now() - start.current) * 10) / 10;
    withRum(undefined, (rum) =>
      rum.trackEvent(EVENT_COMPONENT_RENDER, {
        [ATTR_COMPONENT_NAME]: name,
        [ATTR_COMPONENT_RENDER_MS]: renderMs,
        [ATTR_COMPONENT_PHASE]: 'mount',
      }),
    );
    // Mount only, by design.
  }, []);
}

/** `Component` with `useRenderTracking(name)` around it: the measure covers its whole subtree. */
export function withRenderTracking<P extends object>(
  Wrapped: ComponentType<P>,
  name: string,
): ComponentType<P> {
  function RenderTracked(props: P) {
    useRenderTracking(name);
    return createElement(Wrapped, props);
  }
  RenderTracked.displayName = `withRenderTracking(${name})`;
  return RenderTracked;
}
