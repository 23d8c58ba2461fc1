#!/usr/bin/env bash
# A small swarm on loopback, no namespaces or root needed: N agents with the lab's per-host rates (12 MB/s up,
# 25 MB/s down, about 100/200 Mbit/s), per-artifact chunk size. Each round a fresh random artifact is published on
# a0, replicated by all others at once, then deleted everywhere. Per round: time, the agents' user+system CPU (from
# /proc), and the chunk requests and bitfield polls served (from the agents' Prometheus endpoints). Later rounds show
# JVMs nearer their steady state.
#   bench/loopback-swarm.sh [N=6] [SIZE_MiB=256] [ROUNDS=4]
# Env: EDGESWARM_JAR, JAVA (java binary), JAVA_OPTS, WORK (default /dev/shm/edgeswarm-loopback-swarm),
#      BASE_PORT (HTTP ports BASE_PORT.., gossip ports BASE_PORT+100..; default 19000).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-6}
SIZE_MB=${2:-256}
ROUNDS=${3:-4}
JAR=${EDGESWARM_JAR:-agent/target/edgeswarm-agent.jar}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC"}
WORK=${WORK:-/dev/shm/edgeswarm-loopback-swarm}
BASE_PORT=${BASE_PORT:-19000}
READY_WAIT_S=120
REPLICATE_WAIT_S=600
[ -f "$JAR" ] || ./mvnw -B -q -ntp -pl agent -DskipTests package
rm -rf "$WORK"; mkdir -p "$WORK"
TICKS=$(getconf CLK_TCK)
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

http() { echo "http://127.0.0.1:$((BASE_PORT + $1))"; }
seeds=""
for i in $(seq 0 $((N - 1))); do seeds="$seeds${seeds:+,}127.0.0.1:$((BASE_PORT + 100 + i))"; done
for i in $(seq 0 $((N - 1))); do
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS -jar "$JAR" --server.port=$((BASE_PORT + i)) --server.address=127.0.0.1 \
    --edgeswarm.node-id="a$i" --edgeswarm.advertise-address=127.0.0.1 \
    --edgeswarm.gossip.bind-address=127.0.0.1 --edgeswarm.gossip.port=$((BASE_PORT + 100 + i)) \
    --edgeswarm.gossip.seeds="$seeds" --edgeswarm.storage.dir="$WORK/a$i" \
    --edgeswarm.transfer.max-upload-rate=12MB --edgeswarm.transfer.max-download-rate=25MB \
    --edgeswarm.transfer.chunk-sizing=auto --logging.level.root=WARN > "$WORK/a$i.log" 2>&1 &
  PIDS+=($!)
done
for i in $(seq 0 $((N - 1))); do
  for _ in $(seq 1 $((READY_WAIT_S * 5))); do
    curl -fs -m 2 "$(http "$i")/actuator/health/readiness" > /dev/null && break
    sleep 0.2
  done
  curl -fs -m 2 "$(http "$i")/actuator/health/readiness" > /dev/null || { echo "agent a$i not ready" >&2; exit 1; }
done

cpu_ticks() { local total=0 p; for p in "${PIDS[@]}"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$total"; }
served() {   # chunk requests and bitfield polls all agents have served so far
  local i
  for i in $(seq 0 $((N - 1))); do curl -s -m 5 "$(http "$i")/actuator/prometheus"; done |
    awk '/^http_server_requests_seconds_count/ && /bitfield/ { b += $NF }
         /^edgeswarm_chunk_requests_seconds_count/ { c += $NF } END { print c + 0, b + 0 }'
}

for round in $(seq 1 "$ROUNDS"); do
  head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$WORK/artifact"
  digest=$(curl -fs -T "$WORK/artifact" "$(http 0)/api/v1/artifacts?name=loopback-round-$round" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])')
  rm -f "$WORK/artifact"
  sleep 3   # holdings gossip reaches every member
  read -r chunks0 polls0 < <(served)
  cpu0=$(cpu_ticks); t0=$(date +%s.%N)
  waiters=()
  for i in $(seq 1 $((N - 1))); do
    curl -fs -o /dev/null -m $((REPLICATE_WAIT_S + 10)) -X POST \
      "$(http "$i")/api/v1/artifacts/$digest/replicate?wait=${REPLICATE_WAIT_S}s" &
    waiters+=($!)
  done
  for w in "${waiters[@]}"; do wait "$w" || { echo "a replicate failed in round $round" >&2; exit 1; }; done
  t1=$(date +%s.%N); cpu1=$(cpu_ticks)
  read -r chunks1 polls1 < <(served)
  awk -v r="$round" -v n="$N" -v s="$SIZE_MB" -v t="$(echo "$t1 - $t0" | bc)" -v c="$(( (cpu1 - cpu0) ))" -v hz="$TICKS" \
      -v q="$((chunks1 - chunks0))" -v b="$((polls1 - polls0))" \
      'BEGIN { printf "round %d: N=%d, %d MiB to %d agents in %.2f s; agents CPU %.2f s (%.1f ms per MiB received); %d chunk requests, %d bitfield polls\n", r, n, s, n - 1, t, c / hz, 1000 * c / hz / (s * (n - 1)), q, b }'
  for i in $(seq 0 $((N - 1))); do curl -s -o /dev/null -X DELETE "$(http "$i")/api/v1/artifacts/$digest"; done
  sleep 2
done
