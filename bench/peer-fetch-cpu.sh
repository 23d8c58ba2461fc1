#!/usr/bin/env bash
# CPU a downloading agent spends per byte: two agents on loopback, A publishes, B replicates from A (every chunk
# verified, the whole digest checked). Replicates ROUNDS artifacts in turn; the first warms the JIT and is not
# reported. Prints wall time, the user+system CPU of the downloader and of the server per round, and both
# agents' peak RSS (VmHWM) so far, all from /proc.
#   bench/peer-fetch-cpu.sh [SIZE_MiB=512] [XMX=160m] [ROUNDS=3]
# Stores live under $WORK (default /dev/shm: the page cache, not a disk, as in the swarm lab) and are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-512}
XMX=${2:-160m}
ROUNDS=${3:-3}
WORK=${WORK:-/dev/shm/edgeswarm-fetch-bench}
JAR=${EDGESWARM_JAR:-agent/target/edgeswarm-agent.jar}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx$XMX -XX:+UseSerialGC -XX:CICompilerCount=2"}
READY_WAIT_S=120
DONE_WAIT_S=600
[ -f "$JAR" ] || ./mvnw -B -q -ntp -pl agent -DskipTests package
rm -rf "$WORK"; mkdir -p "$WORK"
TICKS=$(getconf CLK_TCK)

start_agent() { # start_agent NAME HTTP GOSSIP SEED_GOSSIP
  java $JAVA_OPTS -jar "$JAR" --server.port="$2" --server.address=127.0.0.1 \
    --edgeswarm.node-id="$1" --edgeswarm.advertise-address=127.0.0.1 \
    --edgeswarm.gossip.bind-address=127.0.0.1 --edgeswarm.gossip.port="$3" \
    --edgeswarm.gossip.seeds="127.0.0.1:$4" --edgeswarm.storage.dir="$WORK/$1" \
    --logging.level.root=WARN --logging.level.io.edgeswarm=INFO >"$WORK/$1.log" 2>&1 &
  echo $!
}
wait_ready() {
  for _ in $(seq 1 $((READY_WAIT_S * 5))); do
    curl -fs "127.0.0.1:$1/actuator/health/readiness" >/dev/null && return 0
    sleep 0.2
  done
  echo "agent on port $1 did not start" >&2; return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_mib() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }

A=$(start_agent a 7811 7911 7912)
B=$(start_agent b 7812 7912 7911)
# The stores go with the run (their logs stay): left in /dev/shm, two 8 GiB stores are RAM that a later lab run
# needs (one tipped an N=16, 1 GiB run into the OOM killer).
trap 'kill $A $B 2>/dev/null || true; wait $A $B 2>/dev/null || true; rm -rf "$WORK/a" "$WORK/b" "$WORK/input.bin"' EXIT
wait_ready 7811; wait_ready 7812

for round in $(seq 1 "$ROUNDS"); do
  head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/input.bin"
  digest=$(curl -fsS -H 'Expect:' -T "$WORK/input.bin" "127.0.0.1:7811/api/v1/artifacts?name=bench/r$round" \
    | sed -E 's/.*"digest":"([^"]+)".*/\1/')
  rm -f "$WORK/input.bin"
  # B learns of the artifact through gossip; until then it answers 404. Bounded.
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "127.0.0.1:7812/api/v1/artifacts/$digest/replicate")" = 202 ] \
      && break
    sleep 0.1
  done
  c0=$(cpu_ticks "$B"); s0=$(cpu_ticks "$A"); t0=$(date +%s.%N)
  done=0
  for _ in $(seq 1 $((DONE_WAIT_S * 50))); do
    if curl -fs "127.0.0.1:7812/api/v1/artifacts?scope=local" \
        | grep -q "\"digest\":\"$digest\"[^}]*\"complete\":true"; then done=1; break; fi
    sleep 0.02
  done
  t1=$(date +%s.%N); c1=$(cpu_ticks "$B"); s1=$(cpu_ticks "$A")
  [ "$done" = 1 ] || { echo "round $round did not complete" >&2; exit 1; }
  label=$([ "$round" = 1 ] && echo "warm-up" || echo "round $round")
  hwm_b=$(peak_rss_mib "$B"); hwm_a=$(peak_rss_mib "$A")
  awk -v l="$label" -v s="$SIZE_MB" -v w="$(echo "$t1 - $t0" | bc)" -v c=$((c1 - c0)) -v a=$((s1 - s0)) \
      -v hz="$TICKS" -v rb="$hwm_b" -v ra="$hwm_a" 'BEGIN {
    cpu = c / hz
    printf "%-8s %d MiB in %5.2f s (%6.1f MiB/s); downloader CPU %5.2f s = %5.2f ms per MiB; server CPU %5.2f s\n",
      l, s, w, s / w, cpu, cpu * 1000 / s, a / hz
    printf "         peak RSS so far: downloader %d MiB, server %d MiB\n", rb, ra }'
  curl -fsS -X DELETE "127.0.0.1:7812/api/v1/artifacts/$digest" >/dev/null || true
done
