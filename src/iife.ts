// Script-tag entry, the loader: `OtelRum.initRum({...})`. The rest of the SDK is
// otel-rum.lazy.js, next to this file (or at `lazyScriptUrl`), added as a script after load.
import type { FullModule } from './core';
import { setFullLoader } from './loader';
import { REGISTER, SHARED_API } from './shared-api';

const own =
  typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;

setFullLoader(
  (config) =>
    new Promise<FullModule>((resolve, reject) => {
      const url =
        config.lazyScriptUrl ?? (own?.src ? new URL('otel-rum.lazy.js', own.src).href : '');
      if (!url) throw new Error('option "lazyScriptUrl" is needed where the loader was inlined');
      // the lazy script hands its module back through this function, and takes our API copy
      (globalThis as Record<symbol, unknown>)[REGISTER] = Object.assign(resolve, {
        api: SHARED_API,
      });
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      if (own?.crossOrigin) script.crossOrigin = own.crossOrigin;
      if (own?.nonce) script.nonce = own.nonce;
      script.onerror = () => reject(new Error(`${url} did not load`));
      document.head.appendChild(script);
    }),
);

export { initRum } from './loader';
export { getRum } from './instance';
export { VERSION } from './version';
