// `otel-rum/sw`: for apps that bundle a service worker of their own:
//   import { installRelay } from 'otel-rum/sw';
//   installRelay(self);
export { installRelay, RELAY_MAX_CHARS } from './relay/worker';
