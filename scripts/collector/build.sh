#!/usr/bin/env bash
# Builds otel-rum's collector from Go modules with the OpenTelemetry Collector Builder (ocb).
# The binary lands in ${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}/otelcol-<hash>/otelcol-rum (the
# hash of the manifest and of our own components' sources under otel-collector/processor/)
# and the build is skipped when that file exists, so a fresh clone (CI) reuses the cache.
# Prints the binary path as the last line of stdout; everything else goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
manifest="$root/otel-collector/builder-config.yaml"
version="$(tr -d '[:space:]' < "$root/otel-collector/VERSION")"
cache="${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}"

log() { echo "[build-collector] $*" >&2; }

# One version everywhere: every v0.x component and dist.version must equal otel-collector/VERSION.
# Our own components are local modules (otel-collector/processor/...): v0.0.0, each with a
# `path:` line, which the builder resolves from otel-collector/ (its working directory below).
bad="$(grep -E 'gomod: .* v0\.' "$manifest" | grep -v -e " v${version}\$" -e ' v0\.0\.0$' || true)"
if [[ -n "$bad" ]] || ! grep -qE "^  version: ${version}\$" "$manifest"; then
  log "builder-config.yaml disagrees with otel-collector/VERSION ($version):"
  echo "$bad" >&2
  exit 1
fi
locals="$(grep -cE 'gomod: .* v0\.0\.0$' "$manifest" || true)"
paths="$(grep -cE '^ +path: ' "$manifest" || true)"
if [[ "$locals" != "$paths" ]]; then
  log "builder-config.yaml: $locals local (v0.0.0) modules but $paths path: lines"
  exit 1
fi

# The cache key covers the manifest and the sources of our local modules (paths relative to
# the repo, so a clone elsewhere, as CI's, gets the same key): a change to either rebuilds.
hash="$(
  {
    cat "$manifest"
    cd "$root/otel-collector" && find processor -type f -print0 2>/dev/null | LC_ALL=C sort -z \
      | xargs -0 -r sha256sum
  } | sha256sum | cut -c1-16
)"
out="$cache/otelcol-$hash"
bin="$out/otelcol-rum"
if [[ -x "$bin" && "${OTEL_RUM_REBUILD:-0}" != 1 ]]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { log "go not found (need Go >= 1.25)"; exit 1; }
builder_dir="$cache/ocb-v$version"
builder="$builder_dir/builder"
if [[ ! -x "$builder" ]]; then
  log "installing go.opentelemetry.io/collector/cmd/builder@v$version"
  GOBIN="$builder_dir" go install "go.opentelemetry.io/collector/cmd/builder@v$version"
fi

start=$(date +%s)
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Same manifest, plus an output path outside the repo.
sed "s|^dist:\$|dist:\n  output_path: $tmp/src|" "$manifest" > "$tmp/manifest.yaml"
log "building otelcol-rum v$version (manifest $hash) ..."
(cd "$root/otel-collector" && "$builder" --config "$tmp/manifest.yaml" >&2)
mv "$tmp/src/otelcol-rum" "$bin.partial"
mv "$bin.partial" "$bin"
cp "$manifest" "$out/builder-config.yaml"
log "built in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
