export { initRum } from './rum';
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
