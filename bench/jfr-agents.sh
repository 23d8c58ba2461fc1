#!/usr/bin/env bash
# Java Flight Recorder on every running Edgeswarm agent JVM of this host, for a fixed time, then one report over all
# of them: where the CPU went by method, what the agents allocate and where, exceptions thrown, lock contention and
# GC pauses. It complements bench/profile-agents.sh (async-profiler: CPU stacks with kernel frames), which cannot see
# allocations, exceptions or the collector. Use it beside a benchmark, e.g. as the swarm adapter's hook right before
# the timed publish:
#   ES_AFTER_PREPARE=$PWD/bench/jfr-agents.sh SWARMBENCH_DIR=... ES_WARM=4 NS=16 ES_RUNTIME=jdk25-aot \
#     SYSTEMS=$PWD/bench/swarmbench/edgeswarm.sh bench/swarm-distribution.sh
#   bench/jfr-report.py target/jfr        # once the recordings are written (JFR_S after the start): sums all agents
# Recording: the `profile` settings, plus every exception created and, on JDK 25, CPU-time samples (JEP 509), at the
# cost of a few percent of CPU. Each JVM is recorded with its own JDK's jcmd, one file per JVM; the report sums them
# (`jfr view` reads one recording at a time).
# Env: JFR_S (default 90), JFR_OUT (default target/jfr under the repository). As the swarm adapter's hook, starting
# 16 recordings took 14 s on 2 cores and the publish and the harness's start another 32 s before T0: a 40 s recording
# ended before the transfer began (2026-12-06), so the default covers that and a 256 MiB run.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SECONDS_TO_RECORD=${JFR_S:-90}
OUT=${JFR_OUT:-$REPO/target/jfr}

rm -rf "$OUT"; mkdir -p "$OUT"
count=0
for pid in $(pgrep -f -- '--edgeswarm.node-id='); do   # whatever the jar is called (EDGESWARM_JAR)
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] || continue   # skip the wrapping shells
  jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
  [ -x "$jcmd" ] || jcmd=jcmd
  extra=()
  # CPU-time sampling exists from JDK 25 on; an older JVM refuses the whole command for an unknown event.
  "$jcmd" "$pid" VM.version 2>/dev/null | grep -qE 'JDK (2[5-9]|[3-9][0-9])' && extra+=("jdk.CPUTimeSample#enabled=true")
  "$jcmd" "$pid" JFR.start name=bench settings=profile "duration=${SECONDS_TO_RECORD}s" "filename=$OUT/$pid.jfr" \
    "jdk.JavaExceptionThrow#enabled=true" "jdk.Compilation#threshold=0ms" "jdk.Deoptimization#enabled=true" "${extra[@]}" > "$OUT/$pid.start.log" 2>&1 & count=$((count + 1))
done
wait
echo "recording $count agent JVMs for ${SECONDS_TO_RECORD}s into $OUT; then: bench/jfr-report.py $OUT" >&2
