// The React test app: bundled with react, react-dom and src/react by test/e2e/react.test.ts,
// loaded by test/e2e/pages/react.html after the SDK's IIFE.
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type AppProbe } from './components';

const params = new URLSearchParams(location.search);
(window as unknown as { __app: AppProbe }).__app = {
  renderStart: performance.now(),
  slowRenders: 0,
};
createRoot(document.getElementById('root')!).render(
  h(StrictMode, null, h(App, { initialCrash: params.get('crash') === '1' })),
);
