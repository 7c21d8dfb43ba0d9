#!/usr/bin/env bash
# Static checks of the pipeline configs (run in CI):
#  - every shipped collector config validates with our own collector build (otelcol-rum validate),
#    and every overlay in otel-collector/bench/ on top of config.yaml (as the bench runs it)
#  - the builder manifest holds exactly the component types the configs and overlays use
#  - promtool check config / check rules / test rules on the Prometheus files, with the promtool
#    of our Prometheus build (build-go-program.sh prometheus: the version compose runs)
#  - jaeger/config.yaml validates with our Jaeger v2 build (build-go-program.sh jaeger)
#  - no script or CI file builds Grafana Tempo (AGPL) from its Go module
# Exits non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }

bin="$(scripts/collector/build.sh | tail -n1)"
configs=$(ls otel-collector/*.yaml | grep -v builder-config.yaml)
for c in $configs; do
  "$bin" validate --config "$c" || fail "otelcol-rum validate --config $c"
  echo "ok   otelcol-rum validate --config $c"
done
shopt -s nullglob
overlays=(otel-collector/bench/*.yaml)
for o in "${overlays[@]}"; do
  "$bin" validate --config otel-collector/config.yaml --config "$o" \
    || fail "otelcol-rum validate --config otel-collector/config.yaml --config $o"
  echo "ok   otelcol-rum validate --config otel-collector/config.yaml --config $o"
done

# Component types used by the configs == component types built into the binary.
used=$(python3 - $configs "${overlays[@]}" <<'PY'
import sys, yaml
kinds = ("receivers", "processors", "exporters", "connectors", "extensions")
types = set()
for path in sys.argv[1:]:
    cfg = yaml.safe_load(open(path))
    for kind in kinds:
        for name in (cfg.get(kind) or {}):
            types.add(f"{kind}:{name.split('/')[0]}")
print("\n".join(sorted(types)))
PY
)
built=$("$bin" components | python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
for kind in ("receivers", "processors", "exporters", "connectors", "extensions"):
    for comp in c.get(kind) or []:
        print(kind + ":" + comp["name"])
' | sort)
if [[ "$used" != "$built" ]]; then
  diff <(echo "$used") <(echo "$built") >&2 || true
  fail "builder-config.yaml components differ from those used by the configs (< used, > built)"
fi
echo "ok   builder manifest == components used ($(echo "$used" | wc -l) types)"

promtool="${PROMTOOL_BIN:-$(scripts/collector/build-go-program.sh prometheus | tail -n1)/promtool}"
"$promtool" --version | head -n1
"$promtool" check config prometheus/prometheus.yml || fail "promtool check config"
rules=(prometheus/rules/*.yml prometheus/rules/*.yaml)
if (( ${#rules[@]} )); then
  "$promtool" check rules "${rules[@]}" || fail "promtool check rules"
else
  echo "ok   no rule files yet under prometheus/rules/"
fi
for t in prometheus/rules/tests/*.test.yml; do
  "$promtool" test rules "$t" || fail "promtool test rules $t"
done

jaeger="${JAEGER_BIN:-$(scripts/collector/build-go-program.sh jaeger | tail -n1)/jaeger}"
"$jaeger" validate --config jaeger/config.yaml || fail "jaeger validate --config jaeger/config.yaml"
echo "ok   jaeger validate --config jaeger/config.yaml"

# Licence: Grafana Tempo is AGPL; nothing here may build it (compose pulls a released image).
# Any code line (not a comment) in the scripts, CI files, tests and package.json that names
# Tempo's Go module (github.com/grafana/tempo, or grafana/tempo@<version>) fails: that is a go
# build/install/get/run/mod download of it, or a variable that feeds one. Prose (*.md) is exempt.
tempo_module='github[.]com/grafana/tempo|grafana/tempo[@]'
tempo_hits=$(git ls-files -z --cached --others --exclude-standard -- scripts .ci test package.json \
  | grep -zv -e '^node_modules/' -e '[.]md$' \
  | xargs -0 -r grep -nHE "$tempo_module" 2>/dev/null \
  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(#|//|/?[*])' || true)
if [[ -n "$tempo_hits" ]]; then
  echo "$tempo_hits" >&2
  fail "Grafana Tempo (AGPL) is built from its Go module above; compose runs its released image instead"
fi
echo "ok   nothing builds Grafana Tempo (AGPL) from Go modules"
echo "all checks passed"
