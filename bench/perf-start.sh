#!/usr/bin/env bash
# Where the whole machine's CPU goes at a swarm run's start: waits for the next run's T0 (the first peer's log
# appearing in the harness's work directory), then samples every CPU with perf for PERF_S seconds (default 3), and
# again for as long from T0 + PERF_LATER_S (default 10), for comparison. Run it in the background before a benchmark:
#   bench/perf-start.sh & SWARMBENCH_DIR=... ES_WARM=4 NS=16 SIZE_MIB=256 bench/swarm-distribution.sh
#   perf report -i target/perf/start.data --sort comm --stdio       # by thread name; "swapper" is idle
# The wait polls with bash builtins only: a `sleep` process every 10 ms kept the 2 cores busy enough that the harness
# waited for quiet before T0. Env: PERF_S, PERF_LATER_S, PERF_OUT (default target/perf under the repository),
# SB_RUN_GLOB (the peer log to wait for), WAIT_S (default 1200).
set -u
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
OUT=${PERF_OUT:-$REPO/target/perf}
GLOB=${SB_RUN_GLOB:-/dev/shm/swarmbench/run-edgeswarm-*/h1/peer.log}
mkdir -p "$OUT"
exec {never}<> <(:)   # a pipe nobody writes to: `read -t` on it is a sleep without a process
for ((i = 0; i < ${WAIT_S:-1200} * 50; i++)); do
  compgen -G "$GLOB" > /dev/null && break
  read -r -t 0.02 -u "$never"
done
compgen -G "$GLOB" > /dev/null || { echo "no run started within ${WAIT_S:-1200} s" >&2; exit 1; }
date -u +%T.%N > "$OUT/t0.txt"
perf record -a -e cpu-clock -F 499 -o "$OUT/start.data" -- sleep "${PERF_S:-3}" > /dev/null 2>&1
read -r -t "$(( ${PERF_LATER_S:-10} - ${PERF_S:-3} ))" -u "$never"
perf record -a -e cpu-clock -F 499 -o "$OUT/later.data" -- sleep "${PERF_S:-3}" > /dev/null 2>&1
echo "recorded $OUT/start.data (from $(cat "$OUT/t0.txt") UTC) and $OUT/later.data" >&2
