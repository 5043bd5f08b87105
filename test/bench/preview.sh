#!/usr/bin/env bash
# Benchmark: `anvil preview` on synthetic fleets (GenerateFleet.java): the latency of its pages once
# the model is in memory, and the recompile after an edit (from the write on disk to the new model
# being served). Each page is fetched RUNS times with curl on 127.0.0.1; prints median and max.
#   usage: test/bench/preview.sh [SIZES...]      (default: 10000 100000; RUNS=20)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sizes=("${@:-10000 100000}"); read -r -a sizes <<<"${sizes[*]}"
runs=${RUNS:-20}
work="${BENCH_DIR:-$root/.anvil-bench}"
port=${PORT:-7391}
mkdir -p "$work"
"$root/anvil" preview --help >/dev/null     # builds the jar if needed

# median and max seconds of $runs fetches of a URL
latency() {
  local times
  times=$(for _ in $(seq "$runs"); do curl -fsS -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n)
  echo "$(echo "$times" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}') $(echo "$times" | tail -1)"
}

generation() {
  curl -fsS "http://127.0.0.1:$port/" | sed -n 's/.*data-generation="\([0-9]*\)".*/\1/p'
}

printf '%-8s %-44s %10s %10s\n' hosts page median_s max_s
for n in "${sizes[@]}"; do
  fleet="$work/fleet-$n"
  [ -d "$fleet" ] || java "$root/test/bench/GenerateFleet.java" "$n" "$fleet" "$root"
  if [ ! -d "$fleet/.git" ]; then
    git -C "$fleet" init -q && git -C "$fleet" add -A \
      && git -C "$fleet" -c user.name=bench -c user.email=bench@example.invalid commit -q -m fleet
  fi
  git -C "$fleet" checkout -q -- .
  "$root/anvil" preview -C "$fleet" --port "$port" >"$work/preview-$n.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 600); do curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 1; done
  u="http://127.0.0.1:$port"
  for page in "/hosts/node-000042" "/hosts/node-000042#alerts.cpu_high.threshold" "/groups/logical/project-3" \
      "/search?q=cpu_high.threshold%3D80" "/search?q=node-00004" \
      "/routing?host=node-000042&labels=alertname%3DNodeDown%0Aseverity%3Dcritical" "/diff" "/"; do
    read -r med max < <(latency "$u${page%%#*}")
    printf '%-8s %-44s %10s %10s\n' "$n" "$page" "$med" "$max"
  done
  # an edit: production's CPU threshold; the time until the preview serves the new model
  before=$(generation)
  start=$(date +%s.%N)
  sed -i 's/cpu_high: {threshold: 70}/cpu_high: {threshold: 71}/' "$fleet/policies/policies.yaml"
  until [ "$(generation)" != "$before" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  compiled=$(curl -fsS "$u/" | sed -n 's/.*compiled [^ ]* in \([0-9]*\) ms.*/\1/p')
  printf '%-8s %-44s %10s %10s\n' "$n" "edit → new model served (compile ms)" "$(awk "BEGIN{printf \"%.2f\", $end-$start}")" "$compiled"
  # the diff is computed when first asked for: this edit changes a third of the hosts
  printf '%-8s %-44s %10s\n' "$n" "/diff after the edit (first, then cached)" \
    "$(curl -fsS -o /dev/null -w '%{time_total}' "$u/diff") $(curl -fsS -o /dev/null -w '%{time_total}' "$u/diff")"
  git -C "$fleet" checkout -q -- .
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
done
