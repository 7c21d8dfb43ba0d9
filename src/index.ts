export { initRum } from './rum';
export { VERSION } from './version';
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
