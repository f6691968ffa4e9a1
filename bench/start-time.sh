#!/usr/bin/env bash
# Whole-process start-up time of mmkit (issue 17 item 5): 1 warm-up run, then N (default 5) timed runs of
#   java -jar launcher/target/mmkit.jar -c "mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
# and their median, with the load average next to it (the figure means little on a loaded machine).
# usage: bench/start-time.sh [RUNS] [-- extra java/launcher arguments before -c]
#   e.g. bench/start-time.sh 5        bench/start-time.sh 5 -- --profile minimal
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
[ "${1:-}" != "" ] && shift || true
[ "${1:-}" = "--" ] && shift || true
JAR=${MMKIT_JAR:-launcher/target/mmkit.jar}
JAVA=${JAVA:-java}
CMD="mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
run() { "$JAVA" -jar "$JAR" "$@" -c "$CMD" >/dev/null; }
run "$@"   # warm-up: page cache, and the CDS archive if one is made on first use
times=()
for i in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  run "$@"
  t1=$(date +%s%N)
  times+=("$(( (t1 - t0) / 1000000 ))")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "runs (ms): ${times[*]}"
echo "median: ${median} ms   load: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
