// dist/otel-rum-sw.js: the relay as a service worker of its own, registered with the
// `serviceWorker` option of initRum (or imported with importScripts()).
import { installRelay } from './relay/worker';

installRelay(self as unknown as Parameters<typeof installRelay>[0], { standalone: true });
