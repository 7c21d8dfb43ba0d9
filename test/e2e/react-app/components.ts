import { createElement as h, useLayoutEffect, useState } from 'react';
import {
  RumErrorBoundary,
  useJourneyStep,
  useRenderTracking,
  withRenderTracking,
} from '../../../src/react/index';

/** What the app measured itself, for the test to compare against what the SDK sent. */
export interface AppProbe {
  renderStart: number;
  committed?: number;
  slowRenders: number;
}
export const probe = (): AppProbe => (window as unknown as { __app: AppProbe }).__app;

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a render that really takes this long
  }
}

type Crash = 'none' | 'total' | 'quantity';

function Cart({ crash }: { crash: Crash }) {
  if (crash === 'total') throw new TypeError('cart total is not a number');
  if (crash === 'quantity') throw new RangeError('quantity out of range');
  return h('p', { id: 'cart-ok' }, 'cart ok');
}

const STEPS = ['cart', 'shipping', 'payment'];

function Checkout() {
  const [index, setIndex] = useState(0);
  const [, setTick] = useState(0);
  useJourneyStep(STEPS[index], { 'app.flow': 'checkout' });
  return h(
    'div',
    null,
    h('span', { id: 'step' }, STEPS[index]),
    h('button', { id: 'next', onClick: () => setIndex((i) => Math.min(i + 1, 2)) }, 'next'),
    h('button', { id: 'rerender-checkout', onClick: () => setTick((t) => t + 1) }, 'rerender'),
  );
}

function SlowWidget() {
  useRenderTracking('SlowWidget');
  busyWait(30);
  probe().slowRenders++;
  return h('p', { id: 'slow' }, 'slow widget');
}

const SlowList = withRenderTracking(function List({ items }: { items: number }) {
  busyWait(10);
  return h(
    'ul',
    { id: 'list' },
    ...Array.from({ length: items }, (_, i) => h('li', { key: i }, i)),
  );
}, 'SlowList');

export function App({ initialCrash }: { initialCrash: boolean }) {
  const [crash, setCrash] = useState<Crash>(initialCrash ? 'total' : 'none');
  const [tick, setTick] = useState(0);
  useLayoutEffect(() => {
    // Runs after every child's layout effect: the latest a child's mount can end.
    probe().committed ??= performance.now();
  }, []);
  return h(
    'main',
    null,
    h(
      RumErrorBoundary,
      {
        attributes: { 'app.area': 'cart' },
        fallback: (error, reset) =>
          h(
            'div',
            { id: 'fallback' },
            h('span', { id: 'fallback-message' }, (error as Error).message),
            h('button', { id: 'retry', onClick: () => (setCrash('none'), reset()) }, 'retry'),
          ),
      },
      h(Cart, { crash }),
    ),
    h('button', { id: 'crash', onClick: () => setCrash('quantity') }, 'crash'),
    h(Checkout),
    h(SlowWidget),
    h(SlowList, { items: 5 }),
    h('button', { id: 'rerender-all', onClick: () => setTick((t) => t + 1) }, `rerender ${tick}`),
  );
}
