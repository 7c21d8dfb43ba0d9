// Script-tag entry, the loader: `OtelRum.initRum({...})`. The rest of the SDK is
// otel-rum.lazy.js, next to this file (or at `lazyScriptUrl`), added as a script after load.
import type { FullModule } from './core';
import { setFullLoader } from './loader';
import { REGISTER, SHARED_API } from './shared-api';
import { VERSION } from './version';

const own =
  typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;

setFullLoader(
  (config) =>
    new Promise<FullModule>((resolve, reject) => {
      // ?v: a browser that cached another release's lazy file does not pair it with this loader
      const url =
        config.lazyScriptUrl ??
        (own?.src ? new URL(`otel-rum.lazy.js?v=${VERSION}`, own.src).href : '');
      if (!url) throw new Error('option "lazyScriptUrl" is needed where the loader was inlined');
      // the lazy script hands its module back through this function, and takes our API copy;
      // the two halves of one release only (what they share is no public contract)
      const register = (module: FullModule & { version?: string }): void =>
        module.version === VERSION
          ? resolve(module)
          : reject(
              new Error(
                `${url} is otel-rum ${module.version ?? 'before 0.1.0'}, this loader ${VERSION}: ` +
                  'serve both files of one release',
              ),
            );
      (globalThis as Record<symbol, unknown>)[REGISTER] = Object.assign(register, {
        api: SHARED_API,
      });
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      // its failure is ours to warn of, not an error of the page (see the loader's error listener)
      script.dataset.otelRum = 'lazy';
      if (own?.crossOrigin) script.crossOrigin = own.crossOrigin;
      if (own?.nonce) script.nonce = own.nonce;
      script.onerror = () => reject(new Error(`${url} did not load`));
      document.head.appendChild(script);
    }),
);

export { initRum } from './loader';
export { getRum } from './instance';
export { VERSION } from './version';
