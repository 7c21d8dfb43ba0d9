// `otel-rum/sw`: for apps that bundle a service worker of their own:
//   import { installRelay } from 'otel-rum/sw';
//   installRelay(self);
export { installRelay } from './relay/worker';
