// What the Chromium e2e (test/e2e/react.test.ts) does not reach: an explicit `rum` prop, trimming,
// an error seen by two boundaries, a failing instance, server rendering, and the bundle's inputs.
import { build } from 'esbuild';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INSTANCE_KEY } from '../instance';
import type { Rum } from '../types';
import { RumErrorBoundary, useJourneyStep, useRenderTracking, withRenderTracking } from './index';

const fakeRum = () =>
  ({ recordError: vi.fn(), trackEvent: vi.fn() }) as unknown as Rum & {
    recordError: ReturnType<typeof vi.fn>;
    trackEvent: ReturnType<typeof vi.fn>;
  };
const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[INSTANCE_KEY];
});

const boundary = (props: Partial<ConstructorParameters<typeof RumErrorBoundary>[0]> = {}) =>
  new RumErrorBoundary({ fallback: null, ...props });

describe('RumErrorBoundary.componentDidCatch', () => {
  it('reports to the given instance, not the global one, with a trimmed component stack', () => {
    const global = fakeRum();
    g[INSTANCE_KEY] = global;
    const rum = fakeRum();
    const error = new Error('boom');
    const stack = `\n    at Deep (app.js:1:1)${'\n    at Frame (app.js:2:2)'.repeat(300)}`;
    boundary({ rum, attributes: { 'app.area': 'cart' } }).componentDidCatch(error, {
      componentStack: stack,
    });
    expect(global.recordError).not.toHaveBeenCalled();
    expect(rum.recordError).toHaveBeenCalledTimes(1);
    const [reported, attrs] = rum.recordError.mock.calls[0];
    expect(reported).toBe(error);
    expect(attrs['rum.error.source']).toBe('react');
    expect(attrs['app.area']).toBe('cart');
    expect(attrs['react.component_stack']).toHaveLength(4000);
    expect(attrs['react.component_stack'].startsWith('at Deep (app.js:1:1)')).toBe(true);
  });

  it('reports an error once even when a second boundary catches it again', () => {
    const rum = fakeRum();
    const error = new Error('rethrown by a fallback');
    boundary({ rum }).componentDidCatch(error, { componentStack: 'at A' });
    boundary({ rum }).componentDidCatch(error, { componentStack: 'at B' });
    boundary({ rum }).componentDidCatch('a string', { componentStack: 'at C' });
    expect(rum.recordError.mock.calls.map((c) => c[0])).toEqual([error, 'a string']);
  });

  it('never throws: no instance, a throwing instance, no component stack', () => {
    expect(() => boundary().componentDidCatch(new Error('x'), {})).not.toThrow();
    const rum = fakeRum();
    rum.recordError.mockImplementation(() => {
      throw new Error('exporter broke');
    });
    expect(() => boundary({ rum }).componentDidCatch(new Error('y'), {})).not.toThrow();
    expect(rum.recordError.mock.calls[0][1]).not.toHaveProperty('react.component_stack');
  });

  it('passes the error and reset to a fallback function', () => {
    const fallback = vi.fn(() => 'fallback');
    const b = boundary({ fallback });
    const error = new Error('z');
    b.state = RumErrorBoundary.getDerivedStateFromError(error);
    expect(b.render()).toBe('fallback');
    expect(fallback).toHaveBeenCalledWith(error, b.reset);
  });
});

describe('server rendering', () => {
  it('renders the hooks without emitting: effects never run on the server', () => {
    const rum = fakeRum();
    g[INSTANCE_KEY] = rum;
    function Step() {
      useJourneyStep('cart');
      useRenderTracking('Step');
      return h('p', null, 'step');
    }
    const Tracked = withRenderTracking(Step, 'Tracked');
    expect(renderToString(h(RumErrorBoundary, { fallback: 'x' }, h(Tracked)))).toBe('<p>step</p>');
    expect(rum.trackEvent).not.toHaveBeenCalled();
    expect(Tracked.displayName).toBe('withRenderTracking(Tracked)');
  });
});

describe('bundle', () => {
  it('carries nothing of the core SDK but the instance lookup', async () => {
    const result = await build({
      entryPoints: ['src/react/index.ts'],
      bundle: true,
      format: 'esm',
      minify: true,
      external: ['react'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).sort();
    expect(inputs.filter((f) => !f.startsWith('src/react/'))).toEqual(['src/instance.ts']);
    expect(gzipSync(result.outputFiles[0].contents).length).toBeLessThan(1_500);
  });
});
