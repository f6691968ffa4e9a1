#!/usr/bin/env bash
# Two mmkit jars (or one jar with two sets of JVM options) timed in alternation, so that both see the same load:
# 1 warm-up each, then RUNS (default 7) runs each of
#   java OPTS -jar JAR -c "mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
# printing the median wall-clock and CPU (user+sys, child JVMs included) of each, and the load average.
# usage: bench/start-compare.sh JAR_A "OPTS_A" JAR_B "OPTS_B" [RUNS]
#   launcher options per variant (after -jar JAR): ARGS_A="--profile minimal" ARGS_B=... in the environment
set -euo pipefail
A=$1; OA=$2; B=$3; OB=$4; RUNS=${5:-7}
CMD="mm:boot -q --machine qemu-2g; mm:zoneinfo --summary"
TIMEFORMAT="%R %U %S"
# shellcheck disable=SC2086
one() { { time java $2 -jar "$1" $3 -c "$CMD" >/dev/null; } 2>&1 | tail -1; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
load0=$(cut -d' ' -f1 /proc/loadavg)
one "$A" "$OA" "${ARGS_A:-}" >/dev/null; one "$B" "$OB" "${ARGS_B:-}" >/dev/null
wa=(); ca=(); wb=(); cb=()
for _ in $(seq "$RUNS"); do
  read -r w u s < <(one "$A" "$OA" "${ARGS_A:-}"); wa+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')"); ca+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
  read -r w u s < <(one "$B" "$OB" "${ARGS_B:-}"); wb+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')"); cb+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
done
echo "A $A $OA ${ARGS_A:-}: wall ${wa[*]} | cpu ${ca[*]}"
echo "B $B $OB ${ARGS_B:-}: wall ${wb[*]} | cpu ${cb[*]}"
echo "median A: wall $(median "${wa[@]}") ms, cpu $(median "${ca[@]}") ms;  B: wall $(median "${wb[@]}") ms, cpu $(median "${cb[@]}") ms;  load $load0 -> $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores"
