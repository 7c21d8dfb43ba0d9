// otel-rum.lazy.js: the rest of the SDK for the script-tag install, added by the loader.
import { startFull } from './full';

const register = (globalThis as Record<symbol, unknown>)[Symbol.for('otel-rum.full')];
if (typeof register === 'function') register({ startFull });
