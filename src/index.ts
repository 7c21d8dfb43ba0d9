import { setFullLoader } from './loader';

// Bundlers split the rest of the SDK into its own chunk, loaded after the page's load event.
setFullLoader(() => import('./full'));

export { initRum } from './loader';
export { VERSION } from './version';
export { getRum } from './instance';
export type {
  Consent,
  InstrumentationOptions,
  Rum,
  RumAttributes,
  RumOptions,
  RumSpanData,
  RumUser,
  SessionOptions,
  UrlMatcher,
} from './types';
