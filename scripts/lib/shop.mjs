// The demo shop's identity as its page (demo/web/index.html, copied into its build) sets it up:
// the service name and version its errors carry and its app script, which together place the
// shop's source map in the sourcemap processor's layout (<service>/<version>/<script>.map).

/** @param {string} page the shop's index.html */
export function shopIdentity(page) {
  return {
    service: /serviceName:\s*'([^'/]+)'/.exec(page)?.[1],
    version: /serviceVersion:\s*'([^'/]+)'/.exec(page)?.[1],
    script: /<script src="\/([^"]+\.js)"[^>]*defer/.exec(page)?.[1],
  };
}
