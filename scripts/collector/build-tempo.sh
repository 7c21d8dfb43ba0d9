#!/usr/bin/env bash
# Builds Grafana Tempo (single binary) from the Go module proxy into
# ${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}/tempo-<version>/tempo, skipping when it exists.
# Tempo's release tags (v2.x) are not valid Go module versions for github.com/grafana/tempo
# (no /v2 suffix), so tempo/VERSION pins a module pseudo-version (a commit of main).
# `go install pkg@version` refuses modules whose go.mod has replace directives (Tempo's has),
# so we download the module source and build inside a copy of it.
# Prints the binary path as the last line of stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(tr -d '[:space:]' < "$root/tempo/VERSION")"
cache="${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}"
out="$cache/tempo-$version"
bin="$out/tempo"
log() { echo "[build-tempo] $*" >&2; }

if [[ -x "$bin" && "${OTEL_RUM_REBUILD:-0}" != 1 ]]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

start=$(date +%s)
dir="$(cd /tmp && go mod download -json "github.com/grafana/tempo@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir" ]] || { log "go mod download failed for github.com/grafana/tempo@$version"; exit 1; }
src="$(mktemp -d)"
trap 'chmod -R u+w "$src"; rm -rf "$src"' EXIT
cp -r "$dir/." "$src/"
chmod -R u+w "$src"
log "downloaded source in $(( $(date +%s) - start ))s; compiling ./cmd/tempo ..."
mkdir -p "$out"
commit="$(echo "$version" | sed 's/.*-//')"
(cd "$src" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X main.Version=$version -X main.Revision=$commit -X main.Branch=main" \
  -o "$bin.partial" ./cmd/tempo)
mv "$bin.partial" "$bin"
log "built in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
