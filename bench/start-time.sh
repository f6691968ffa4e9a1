#!/usr/bin/env bash
# Whole-process start-up time of mmkit (issue 17 item 5): 1 warm-up run, then RUNS (default 5) timed runs of
#   java $JAVA_OPTS -jar launcher/target/mmkit.jar [ARGS] -c "mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
# and their median wall-clock time, the median CPU time (user+sys of the whole process tree: what a loaded host
# cannot inflate as much) and the load average next to them (a wall-clock figure means little on a loaded host).
# usage: bench/start-time.sh [RUNS] [-- LAUNCHER ARGS]
#   JAVA_OPTS="-Dmmkit.cache=false" bench/start-time.sh 5     # without the kept bundle cache (a temporary one)
#   bench/start-time.sh 5 -- --profile minimal
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then RUNS=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
JAR=${MMKIT_JAR:-launcher/target/mmkit.jar}
JAVA=${JAVA:-java}
CMD="mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
TIMEFORMAT="%R %U %S"
# shellcheck disable=SC2086
run() { { time "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" "$@" -c "$CMD" >/dev/null; } 2>&1 | tail -1; }
load0=$(cut -d' ' -f1 /proc/loadavg)
run "$@" >/dev/null   # warm-up: the page cache
walls=(); cpus=()
for _ in $(seq "$RUNS"); do
  read -r wall user sys < <(run "$@")
  walls+=("$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')")
  cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
echo "wall ms: ${walls[*]}   cpu ms: ${cpus[*]}"
echo "median: wall $(median "${walls[@]}") ms, cpu $(median "${cpus[@]}") ms   load before/after: $load0 / $(cut -d' ' -f1 /proc/loadavg)   cores: $(nproc)   ${JAVA_OPTS:-} $*"
