#!/usr/bin/env bash
# Builds a JDK 25 AOT cache for the agent (JEP 483 class loading and linking, JEP 515 method profiles) from a
# training run of real transfers, and leaves the extracted application beside it. Agents started from there with
# -XX:AOTCache begin with the training run's classes linked and its method profiles, so the JIT compiles the transfer
# paths earlier (docs/benchmarks.md: C2 in a timed N=16 run fell from 20 s to 5 s in the first run; later runs with
# the cache measured 13-19 s, as 16 JVMs on 2 cores keep their compile queues full).
#   bench/aot-cache.sh [ROUNDS=4] [SIZE_MiB=128]
#   then: $JAVA25 -XX:AOTCache=$OUT/app.aot -jar $OUT/<the jar's file name> ...
#   or, in the swarm benchmark: ES_JAVA=$JAVA25 EDGESWARM_JAR=$OUT/<the jar's file name> \
#         ES_JAVA_OPTS="<flags used here> -XX:AOTCache=$OUT/app.aot" bench/swarm-distribution.sh
# Training: three agents on loopback; a0 publishes, a1 and a2 replicate each artifact (each downloads and serves);
# a1 records, and writes the cache when it exits. The cache is valid for this jar, this JDK and the GC chosen in
# JAVA_OPTS (the benchmark's flags by default); a mismatch makes the JVM ignore it with a warning, never fail.
# $OUT/source-jar names the jar trained (path and modification time), so a caller can tell a stale cache.
# Env: EDGESWARM_JAR, JAVA25 (default Temurin 25's java), OUT (default agent/target/aot), JAVA_OPTS,
#      BASE_PORT (HTTP ports BASE_PORT..+2, gossip BASE_PORT+100..+102; default 18480).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-4}
SIZE_MB=${2:-128}
JAR=${EDGESWARM_JAR:-agent/target/edgeswarm-agent.jar}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=${OUT:-agent/target/aot}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx160m -Xss512k -XX:+UseSerialGC -XX:CICompilerCount=2"}
BASE_PORT=${BASE_PORT:-18480}
READY_WAIT_S=120
REPLICATE_WAIT_S=300
[ -x "$JAVA25" ] || { echo "no JDK 25 at $JAVA25 (set JAVA25)" >&2; exit 1; }
[ -f "$JAR" ] || ./mvnw -B -q -ntp -pl agent -DskipTests package
rm -rf "$OUT"; mkdir -p "$OUT"
# The AOT cache needs the application's classes on the plain class path, not in nested jars: extract the jar.
"$JAVA25" -Djarmode=tools -jar "$JAR" extract --destination "$OUT" > /dev/null
OUT=$(cd "$OUT" && pwd)
APP="$OUT/$(basename "$JAR")" # the extraction keeps the jar's file name
WORK=$(mktemp -d /dev/shm/edgeswarm-aot-train.XXXXXX)
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

http() { echo "http://127.0.0.1:$((BASE_PORT + $1))"; }
seeds="127.0.0.1:$((BASE_PORT + 100)),127.0.0.1:$((BASE_PORT + 101)),127.0.0.1:$((BASE_PORT + 102))"
for i in 0 1 2; do
  record=""; [ "$i" = 1 ] && record="-XX:AOTCacheOutput=$OUT/app.aot"
  # shellcheck disable=SC2086
  "$JAVA25" $JAVA_OPTS $record -jar "$APP" --server.port=$((BASE_PORT + i)) \
    --server.address=127.0.0.1 --edgeswarm.node-id="train-$i" --edgeswarm.advertise-address=127.0.0.1 \
    --edgeswarm.gossip.bind-address=127.0.0.1 --edgeswarm.gossip.port=$((BASE_PORT + 100 + i)) \
    --edgeswarm.gossip.seeds="$seeds" --edgeswarm.storage.dir="$WORK/a$i" \
    --edgeswarm.transfer.chunk-sizing=auto --edgeswarm.transfer.max-upload-rate=40MB \
    --logging.level.root=WARN > "$WORK/a$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 1 $((READY_WAIT_S * 5))); do
    curl -fs -m 2 "$(http "$i")/actuator/health/readiness" > /dev/null && break
    sleep 0.2
  done
  curl -fs -m 2 "$(http "$i")/actuator/health/readiness" > /dev/null || { echo "agent $i not ready" >&2; exit 1; }
done
for round in $(seq 1 "$ROUNDS"); do
  head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$WORK/artifact"
  digest=$(curl -fsS -T "$WORK/artifact" "$(http 0)/api/v1/artifacts?name=aot-training-$round" |
    sed -E 's/.*"digest":"([^"]+)".*/\1/')
  rm -f "$WORK/artifact"
  waiters=()
  for i in 1 2; do
    curl -fs -o /dev/null -m $((REPLICATE_WAIT_S + 10)) -X POST \
      "$(http "$i")/api/v1/artifacts/$digest/replicate?wait=${REPLICATE_WAIT_S}s" &
    waiters+=($!)
  done
  for w in "${waiters[@]}"; do wait "$w" || { echo "a replicate failed in round $round" >&2; exit 1; }; done
  for i in 0 1 2; do curl -fs -o /dev/null -X DELETE "$(http "$i")/api/v1/artifacts/$digest"; done
  echo "training round $round of $ROUNDS: ${SIZE_MB} MiB to 2 agents"
done
# An orderly exit writes the cache (the JVM assembles it in a child process, about 20 s).
kill -TERM "${PIDS[0]}" "${PIDS[2]}"
kill -TERM "${PIDS[1]}"
wait "${PIDS[1]}" || true
PIDS=()
[ -s "$OUT/app.aot" ] || { echo "no cache written; see $WORK/a1.log" >&2; tail -20 "$WORK/a1.log" >&2; exit 1; }
echo "$(realpath "$JAR") $(stat -c %Y "$JAR")" > "$OUT/source-jar"
echo "AOT cache: $OUT/app.aot ($(du -h "$OUT/app.aot" | cut -f1)); start agents with:"
echo "  $JAVA25 $JAVA_OPTS -XX:AOTCache=$OUT/app.aot -jar $APP ..."
