#!/usr/bin/env bash
# An origin's first sends on a shaped link, without a swarm around it: one agent in lab host h0 publishes SIZE_MiB
# in 1 MiB chunks, and 15 connections from h1-h3 fetch every chunk once (so every answer is a first send), each
# keeping one request open, as downloaders keep requests queued at an origin. Prints the origin's rate (its upload
# is the bound of any swarm transfer) and how long a chunk's body takes once it has started (how soon a receiver
# could pass it on). Run it once per setting of edgeswarm.transfer.first-send-streams / send-low-water.
#   SWARMBENCH_DIR=/path/to/swarmbench bench/first-sends.sh LABEL [agent arguments...]
#   e.g. bench/first-sends.sh all-at-once --edgeswarm.transfer.first-send-streams=0
# Env: SIZE_MiB (256), UP_MBIT (100), DOWN_MBIT (200), HOGS (busy loops at the agent's nice value beside it, 0),
#      NICE (10), EDGESWARM_JAR, JAVA (JDK 25 if present), OUT (target/first-sends).
set -euo pipefail
: "${SWARMBENCH_DIR:?set SWARMBENCH_DIR to the swarmbench harness (netlab.sh)}"
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LABEL=${1:?LABEL}; shift
SIZE_MIB=${SIZE_MiB:-256}
UP_MBIT=${UP_MBIT:-100}
DOWN_MBIT=${DOWN_MBIT:-200}
HOGS=${HOGS:-0}
NICE=${NICE:-10}
JAR=${EDGESWARM_JAR:-$REPO/agent/target/edgeswarm-agent.jar}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
OUT=${OUT:-$REPO/target/first-sends}
STORE=/dev/shm/edgeswarm-first-sends
ORIGIN=10.201.7.10:7700
CLIENT_HOSTS=3
CONNS_PER_HOST=5
READY_TRIES=120
mkdir -p "$OUT"; rm -rf "$STORE"; mkdir -p "$STORE"
"$SWARMBENCH_DIR/netlab.sh" up $((CLIENT_HOSTS + 1)) "$UP_MBIT" "$DOWN_MBIT" > /dev/null
PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  "$SWARMBENCH_DIR/netlab.sh" down > /dev/null 2>&1 || true; rm -rf "$STORE"
}
trap cleanup EXIT
for _ in $(seq "$HOGS"); do nice -n "$NICE" sh -c 'while :; do :; done' & PIDS+=($!); done
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$STORE/artifact"
ip netns exec h0 nice -n "$NICE" "$JAVA" -Xmx160m -XX:+UseSerialGC -jar "$JAR" --server.port=7700 \
  --edgeswarm.gossip.port=7946 --edgeswarm.storage.dir="$STORE/store" --edgeswarm.transfer.chunk-size=1MB \
  --logging.level.root=WARN "$@" > "$OUT/$LABEL-agent.log" 2>&1 & PIDS+=($!)
for _ in $(seq "$READY_TRIES"); do
  ip netns exec h0 curl -fs -m 1 "http://$ORIGIN/actuator/health/readiness" > /dev/null && break; sleep 0.5
done
DIGEST=$(ip netns exec h0 curl -fsS -X PUT --data-binary @"$STORE/artifact" "http://$ORIGIN/api/v1/artifacts?name=first-sends" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])')
T0=$(date +%s.%N)
CLIENTS=()
for h in $(seq "$CLIENT_HOSTS"); do
  ip netns exec "h$h" python3 "$REPO/bench/first-sends.py" "${ORIGIN%:*}" "${ORIGIN#*:}" "$DIGEST" "$SIZE_MIB" \
    "$CONNS_PER_HOST" $((h - 1)) "$CLIENT_HOSTS" "$OUT/$LABEL-h$h.txt" & CLIENTS+=($!)
done
wait "${CLIENTS[@]}"
cat "$OUT/$LABEL"-h*.txt > "$OUT/$LABEL.txt"
python3 - "$LABEL" "$T0" "$OUT/$LABEL.txt" <<'PY'
import sys
label, t0, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = [line.split() for line in open(path)]
ok = [r for r in rows if r[4] == '200']
busy = sum(1 for r in rows if r[4] == '503')
body = sorted(float(r[3]) - float(r[2]) for r in ok)
end = max(float(r[3]) for r in ok) - t0
first = min(float(r[3]) for r in ok) - t0
mbit = sum(int(r[5]) for r in ok) * 8 / end / 1e6
print(f"{label}: {len(ok)} chunks in {end:.2f} s = {mbit:.1f} Mbit/s; first chunk whole at {first:.2f} s; "
      f"body (first 64 KiB to last byte) median {body[len(body) // 2] * 1000:.0f} ms, "
      f"p90 {body[int(len(body) * 0.9)] * 1000:.0f} ms; 503s {busy}")
PY
