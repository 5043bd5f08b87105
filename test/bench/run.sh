#!/usr/bin/env bash
# Benchmark: `anvil compile` against a parse-only floor on synthetic fleets of 1k, 10k and 100k hosts.
# Each measurement is a whole process (JVM start included), timed by GNU time (Debian package 'time'),
# best of RUNS. Prints wall seconds, peak RSS and the size of the emitted rule files per fleet size.
#   usage: test/bench/run.sh [SIZES...]      (default: 1000 10000 100000; RUNS=3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sizes=("${@:-1000 10000 100000}"); read -r -a sizes <<<"${sizes[*]}"
runs=${RUNS:-3}
work="${BENCH_DIR:-$root/.anvil-bench}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

"$root/anvil" --version >/dev/null     # builds the jar if needed
jar="$root/compiler/target/anvil.jar"
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$jar" "$root/test/bench/ParseFloor.java"

# best wall time of $runs runs; echoes "seconds peak_rss_kb"
measure() {
  local best="" rss=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
      || { cat "$work/stderr.txt" >&2; exit 1; }
    read -r s kb <"$work/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; rss=$kb; fi
  done
  echo "$best $rss"
}

# the floor twice: as a plain java process, and with the JVM options the ./anvil launcher uses
jvm="-XX:+UseParallelGC -XX:TieredStopAtLevel=1"
printf '%-8s %10s %10s %12s %8s %14s %12s %12s\n' hosts compile_s floor_s floor_tuned_s ratio compile_rss_MB \
  floor_rss_MB rule_bytes
for n in "${sizes[@]}"; do
  fleet="$work/fleet-$n"
  [ -d "$fleet" ] || java "$root/test/bench/GenerateFleet.java" "$n" "$fleet" "$root"
  rm -rf "$work/out-$n"
  read -r cs crss < <(measure "$root/anvil" -C "$fleet" compile --out "$work/out-$n")
  read -r fs frss < <(measure java -cp "$jar:$work/classes" ParseFloor "$fleet" "$work/floor-$n.json")
  read -r ft _ < <(measure java $jvm -cp "$jar:$work/classes" ParseFloor "$fleet" "$work/floor-$n.json")
  rules=$(cat "$work/out-$n"/prometheus/rules/*.yml | wc -c)
  printf '%-8s %10s %10s %12s %8.2f %14d %12d %12d\n' "$n" "$cs" "$fs" "$ft" "$(awk "BEGIN{print $cs/$fs}")" \
    $((crss / 1024)) $((frss / 1024)) "$rules"
done
