#!/usr/bin/env bash
# Static checks of the pipeline configs (run in CI):
#  - every shipped collector config validates with our own collector build (otelcol-rum validate)
#  - the builder manifest holds exactly the component types the configs use
#  - promtool check config / check rules / test rules on the Prometheus files
#  - tempo/tempo.yaml parses with the Tempo build, when that binary is cached
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

# Component types used by the configs == component types built into the binary.
used=$(python3 - $configs <<'PY'
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

promtool check config prometheus/prometheus.yml || fail "promtool check config"
shopt -s nullglob
rules=(prometheus/rules/*.yml prometheus/rules/*.yaml)
if (( ${#rules[@]} )); then
  promtool check rules "${rules[@]}" || fail "promtool check rules"
else
  echo "ok   no rule files yet under prometheus/rules/"
fi
for t in prometheus/rules/tests/*.test.yml; do
  promtool test rules "$t" || fail "promtool test rules $t"
done

tempo_bin="${TEMPO_BIN:-${OTEL_RUM_CACHE:-$HOME/.cache/otel-rum}/tempo-$(tr -d '[:space:]' < tempo/VERSION)/tempo}"
if [[ -x "$tempo_bin" ]]; then
  TEMPO_DATA_DIR="$(mktemp -d)" "$tempo_bin" -config.file=tempo/tempo.yaml -config.expand-env=true -config.verify=true >/dev/null 2>&1 \
    || fail "tempo -config.verify tempo/tempo.yaml"
  echo "ok   tempo -config.verify tempo/tempo.yaml"
else
  echo "skip tempo config check (no Tempo build at $tempo_bin; run scripts/collector/build-tempo.sh)"
fi
echo "all checks passed"
