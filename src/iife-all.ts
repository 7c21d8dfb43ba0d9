// One-file script-tag build (otel-rum.all.iife.js): loader and rest together, the rest still
// started after the load event in idle time.
import * as full from './full';
import { setFullLoader } from './loader';

setFullLoader(() => Promise.resolve(full));

export { initRum } from './loader';
export { getRum } from './instance';
export { VERSION } from './version';
