// otel-rum.lazy.js: the rest of the SDK for the script-tag install, added by the loader.
import { startFull } from './full';
import { REGISTER } from './shared-api';
import { VERSION } from './version';

const register = (globalThis as Record<symbol, unknown>)[REGISTER];
if (typeof register === 'function' && 'api' in register) register({ startFull, version: VERSION });
