#!/usr/bin/env bash
# Profiles every running Edgeswarm agent JVM on this host with async-profiler (CPU by interval timer, so it works in
# VMs without perf events), for a fixed time, and leaves one collapsed-stack file per JVM. Use it beside a benchmark,
# e.g. as the swarm adapter's hook right before the timed publish:
#   ES_AFTER_PREPARE=bench/profile-agents.sh SWARMBENCH_DIR=... ES_WARM=3 NS=16 bench/swarm-distribution.sh
#   bench/profile-report.py target/profile            # where the samples went, by thread kind and frame
# async-profiler comes from Maven Central (tools.profiler:async-profiler, the linux-x64 jar carries the library).
# Env: PROFILE_S (default 40), PROFILE_OUT (default target/profile under the repository), ASPROF_VERSION (4.2).
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SECONDS_TO_PROFILE=${PROFILE_S:-40}
OUT=${PROFILE_OUT:-$REPO/target/profile}
VERSION=${ASPROF_VERSION:-4.2}
JAR=$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION-linux-x64.jar
LIB=$REPO/target/async-profiler-$VERSION/linux-x64/libasyncProfiler.so
if [ ! -f "$LIB" ]; then
  [ -f "$JAR" ] || "$REPO/mvnw" -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$VERSION:jar:linux-x64" >&2
  mkdir -p "$(dirname "$(dirname "$LIB")")"
  (cd "$(dirname "$(dirname "$LIB")")" && unzip -o -q "$JAR" 'linux-x64/*')
fi
rm -rf "$OUT"; mkdir -p "$OUT"
count=0
for pid in $(pgrep -f -- '--edgeswarm.node-id='); do   # whatever the jar is called (EDGESWARM_JAR)
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] || continue   # skip the wrapping shells
  # jcmd reads name=value words as its own options: the agent's option string goes in quotes of its own.
  jcmd "$pid" JVMTI.agent_load "$LIB" \
    "\"start,event=itimer,interval=5ms,threads,timeout=$SECONDS_TO_PROFILE,collapsed,file=$OUT/$pid.txt\"" \
    > /dev/null 2>&1 & count=$((count + 1))
done
wait
echo "profiling $count agent JVMs for ${SECONDS_TO_PROFILE}s into $OUT" >&2
