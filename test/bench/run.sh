#!/usr/bin/env bash
# Benchmark: Anvil against the parse-and-write floor on synthetic fleets (default 1k, 10k, 30k and
# 100k hosts). Each measurement is a whole process (JVM start included) timed by GNU time (Debian
# package 'time'). ROUNDS interleaved rounds (default 3): each round runs the floor and every Anvil
# command once, in turn, so a burst of load on a shared machine hits all of them alike; the table
# shows medians. Commands, all with --verify=off (the floor runs no external tools either):
#   floor      ParseFloor.java with the launcher's JVM options: Jackson parses the YAML, writes file_sd JSON
#   check      anvil check
#   fresh      anvil compile into an empty out/
#   unchanged  anvil compile into the out/ it wrote before
#   diffcheck  anvil compile --check (compare with out/, write nothing)
#   explain    anvil explain HOST KEY
# The ratios: wall/floor and rss/floor are ratios of the medians; paired is the median of each round's
# wall time over that round's floor (see paired() below).
# Then the phase timings of one `anvil check` (ANVIL_TIMINGS=1) in µs per host, and the load average
# (/proc/loadavg) before and after each fleet size.
#   usage: test/bench/run.sh [SIZES...]    ROUNDS=3; ANVIL=path/to/anvil measures another checkout's
#   launcher, or an unpacked release bundle's bin/anvil (its floor runs on the bundle's runtime)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sizes=("${@:-1000 10000 30000 100000}"); read -r -a sizes <<<"${sizes[*]}"
rounds=${ROUNDS:-3}
anvil="${ANVIL:-$root/anvil}"
work="${BENCH_DIR:-$root/.anvil-bench}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

"$anvil" --version >/dev/null     # builds the jar if needed (a bundle: records its class-data archive)
top="$(cd "$(dirname "$anvil")" && pwd)"
jar="$top/compiler/target/anvil.jar" run_java="$top/packaging/run-java.sh" java=java
if [ -f "$top/../lib/anvil.jar" ]; then
  jar="$top/../lib/anvil.jar" run_java="$top/../lib/run-java.sh" java="$top/../runtime/bin/java"
fi
mkdir -p "$work/classes"
javac --release 17 -d "$work/classes" -cp "$jar" "$root/test/bench/ParseFloor.java"
# the floor runs with the JVM options of the launcher being measured (its heap cap is Anvil's own)
jvm=$(. "$run_java" 2>/dev/null && echo "${ANVIL_JVM_OPTIONS:-}")
[ -n "$jvm" ] || jvm="-XX:+UseParallelGC -XX:TieredStopAtLevel=1 -XX:MaxNewSize=256m"   # before run-java.sh
# except the launcher's single compiler thread: the floor runs on one thread, and a second compiler
# thread has the idle core to itself (the floor at 10k is ~9 % slower without it, which would flatter
# Anvil's ratio)
jvm=${jvm//-XX:CICompilerCount=1/}
commands=(floor check fresh unchanged diffcheck explain)

# one timed run; appends "wall cpu rss_kb" to $work/$n-$name.txt
run() {
  local n=$1 name=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
    || { echo "$name failed at $n hosts:" >&2; cat "$work/stderr.txt" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/time.txt" >>"$work/$n-$name.txt"
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1.txt" | median; }
# the median of each round's ratio to that round's floor: a round runs the floor and the command moments
# apart, so drift in the machine's speed between rounds (on this VM up to a third) cancels out
paired() { paste -d' ' "$work/$1.txt" "$work/$2.txt" | awk '{print $1 / $4}' | median; }

printf '%-7s %-10s %8s %8s %8s %9s %9s %7s\n' hosts command wall_s cpu_s rss_MB wall/floor rss/floor paired
for n in "${sizes[@]}"; do
  fleet="$work/fleet-$n"
  [ -d "$fleet" ] || java "$root/test/bench/GenerateFleet.java" "$n" "$fleet" "$root"
  host=node-000042
  for c in "${commands[@]}"; do rm -f "$work/$n-$c.txt"; done
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  for _ in $(seq "$rounds"); do
    out="$work/out-$n"
    run "$n" floor "$java" $jvm -cp "$jar:$work/classes" ParseFloor "$fleet" "$work/floor-$n.json"
    run "$n" check "$anvil" -C "$fleet" check --verify=off
    rm -rf "$out"
    run "$n" fresh "$anvil" -C "$fleet" compile --verify=off --out "$out"
    run "$n" unchanged "$anvil" -C "$fleet" compile --verify=off --out "$out"
    run "$n" diffcheck "$anvil" -C "$fleet" compile --check --verify=off --out "$out"
    run "$n" explain "$anvil" -C "$fleet" explain "$host" alerts.cpu_high
  done
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  fw=$(col "$n-floor" 1); fr=$(col "$n-floor" 3)
  for c in "${commands[@]}"; do
    w=$(col "$n-$c" 1); u=$(col "$n-$c" 2); r=$(col "$n-$c" 3)
    printf '%-7s %-10s %8.2f %8.2f %8d %9.2f %9.2f %7.2f\n' "$n" "$c" "$w" "$u" $((${r%.*} / 1024)) \
      "$(awk "BEGIN{print $w/$fw}")" "$(awk "BEGIN{print $r/$fr}")" "$(paired "$n-$c" "$n-floor")"
  done
  echo "        load average (1, 5, 15 min): before $load_before, after $load_after"
  ANVIL_TIMINGS=1 "$anvil" -C "$fleet" check --verify=off 2>&1 >/dev/null \
    | awk -v n="$n" '/^anvil: .* ms$/ { name = $0; sub(/^anvil: /, "", name); sub(/ +[0-9]+ ms$/, "", name);
        printf "        phase %-20s %8.1f us/host\n", name, $(NF-1) * 1000 / n }'
done
