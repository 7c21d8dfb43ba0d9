#!/usr/bin/env bash
# Builds a Go program of the local stack from the Go module proxy, cached outside the repo:
#   build-go-program.sh prometheus   -> prometheus + promtool (github.com/prometheus/prometheus)
#   build-go-program.sh jaeger       -> jaeger v2 (github.com/jaegertracing/jaeger/cmd/jaeger)
# Versions are pinned in prometheus/VERSION and jaeger/VERSION. Binaries land in
# ${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}/<name>-<version>/ and the build is skipped when they
# exist. Prints the directory holding the binaries as the last line of stdout.
# The program is built inside a throwaway module that requires it (`go get -tool`), so the
# module's own replace directives, if any, do not stop the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
name="${1:?usage: build-go-program.sh prometheus|jaeger}"
cache="${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}"
log() { echo "[build-$name] $*" >&2; }

case "$name" in
  prometheus)
    module=github.com/prometheus/prometheus
    # prometheus/VERSION holds the release (3.5.0); its Go module version is v0.<major><minor, 2 digits>.<patch> (v0.305.0).
    release="$(tr -d '[:space:]' < "$root/prometheus/VERSION")"
    IFS=. read -r major minor patch <<< "$release"
    version="v0.$(printf '%d%02d' "$major" "$minor").$patch"
    programs=(cmd/prometheus cmd/promtool)
    ldflags="-s -w -X github.com/prometheus/common/version.Version=$release -X github.com/prometheus/common/version.Branch=release -X github.com/prometheus/common/version.Revision=$version"
    ;;
  jaeger)
    module=github.com/jaegertracing/jaeger
    version="$(tr -d '[:space:]' < "$root/jaeger/VERSION")"
    release="$version"
    programs=(cmd/jaeger)
    # Jaeger tags each release twice on one commit: v1.<n> (the Go module) and v2.<n - 63>
    # (Jaeger v2, the image tag without "v"): v1.75.0 = v2.12.0. `jaeger version` reports the v2 one.
    IFS=. read -r _ minor patch <<< "${version#v}"
    v2="v2.$((minor - 63)).$patch"
    ldflags="-s -w -X $module/internal/version.latestVersion=$v2 -X $module/internal/version.commitSHA=$version"
    ;;
  *) log "unknown program $name"; exit 2 ;;
esac

out="$cache/$name-$release"
if [[ -x "$out/${programs[0]##*/}" && -x "$out/${programs[-1]##*/}" && "${OTEL_RUM_REBUILD:-0}" != 1 ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { log "go not found"; exit 1; }
case "$module" in *grafana/tempo*) log "refusing an AGPL module"; exit 1 ;; esac

start=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
(
  cd "$work"
  go mod init "otel-rum.local/build-$name" >/dev/null 2>&1
  for p in "${programs[@]}"; do go get -tool "$module/$p@$version" >&2; done
  for p in "${programs[@]}"; do
    log "compiling $module/$p@$version ..."
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/${p##*/}.partial" "$module/$p" >&2
    mv "$out/${p##*/}.partial" "$out/${p##*/}"
  done
)
log "built in $(( $(date +%s) - start ))s: $out"
echo "$out"
