#!/usr/bin/env bash
# Regenerates the fixtures of the Go tests: testdata/src/*.ts minified by esbuild (the repo's
# node_modules/.bin/esbuild) with an external source map, and the V8 stacks Node prints when
# the minified code throws (the script's path replaced by the URL the tests serve it at).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$here"
"$root/node_modules/.bin/esbuild" src/main.ts --bundle --minify --sourcemap --format=iife \
  --outfile=build/app.min.js --log-level=warning
node - <<'JS' > v8-stacks.txt
require('./build/app.min.js');
const url = 'https://shop.example/assets/app.min.js';
for (const lines of [
  [{ sku: 'a', price: 1, qty: 2 }, { sku: '5f2a9c', price: 3, qty: -4 }],
  [{ sku: 'c9f3a2b14e', price: 5, qty: -17 }],
  null,
]) {
  try {
    globalThis.checkout(lines);
  } catch (e) {
    const frames = e.stack.split('\n').filter((l) => l.includes('app.min.js'));
    console.log([`${e.name}: ${e.message}`, ...frames].join('\n').replace(/[^\s(]*\/build\/app\.min\.js/g, url));
    console.log('---');
  }
}
JS
