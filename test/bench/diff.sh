#!/usr/bin/env bash
# Benchmark of `anvil diff` between two revisions of a 10k-host synthetic fleet that differ in one
# group's CPU threshold. Prints wall seconds and peak RSS (GNU time, Debian package 'time').
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=${1:-10000}
work="${BENCH_DIR:-$root/.anvil-bench}/diff-$n"
"$root/anvil" --version >/dev/null
rm -rf "$work" && mkdir -p "$work"
java "$root/test/bench/GenerateFleet.java" "$n" "$work" "$root"
cd "$work"
git init -q -b main && git add -A && git -c user.name=b -c user.email=b@example.com commit -qm base
sed -i '0,/cpu_high: {threshold: [0-9]*}/s//cpu_high: {threshold: 66}/' policies/policies.yaml
git add -A && git -c user.name=b -c user.email=b@example.com commit -qm "one group's threshold"
for i in 1 2 3; do
  /usr/bin/time -f "anvil diff, $n hosts: %e s wall, %M KB peak RSS" "$root/anvil" -C "$work" diff --base HEAD~1 --head HEAD > "$work/diff.txt"
done
head -5 "$work/diff.txt"
