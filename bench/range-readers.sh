#!/usr/bin/env bash
# Load: many concurrent clients reading random byte ranges of one artifact from one agent, for a fixed time.
# wrk drives the readers (random offsets, lengths 1 KiB to 8 MiB; 1 in 8 an open-ended range within the last 8 MiB,
# 1 in 8 a suffix range of up to 8 MiB);
# meanwhile a checker compares 100 random ranges byte for byte with the file. Reports requests, errors
# (socket errors and non-2xx), latency percentiles, throughput, and the agent's peak RSS.
# Usage: bench/range-readers.sh [READERS] [SECONDS] [SIZE_MiB] [XMX]     (defaults 200 60 512 256m)
# Needs wrk and curl (apt-get install wrk curl).
set -euo pipefail
cd "$(dirname "$0")/.."
READERS=${1:-200}; SECS=${2:-60}; SIZE_MIB=${3:-512}; XMX=${4:-256m}
SIZE=$((SIZE_MIB * 1024 * 1024))
PORT=${AGENT_PORT:-7792}
JAR=agent/target/edgeswarm-agent.jar
[ -f "$JAR" ] || ./mvnw -q -B -pl agent -DskipTests package
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/edgeswarm-ranges.XXXXXX)
AGENT_PID=""
cleanup() {   # guarded: under set -e, wait returning the agent's 143 would end the trap before the rm
  if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

head -c "$SIZE" /dev/urandom > "$WORK/file.bin"
java -Xmx"$XMX" -jar "$JAR" --server.port="$PORT" --edgeswarm.gossip.port=0 \
  --edgeswarm.storage.dir="$WORK/store" --edgeswarm.limits.max-connections=$((READERS + 64)) \
  --logging.level.root=WARN > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 0.2; done
DIGEST=$(curl -fsS -T "$WORK/file.bin" "http://127.0.0.1:$PORT/api/v1/artifacts?name=bench/ranges" |
  sed 's/.*"digest":"\([^"]*\)".*/\1/')

cat > "$WORK/ranges.lua" <<LUA
local size = $SIZE
local counter = 0
setup = function(thread) thread:set("seed", counter); counter = counter + 1 end
init = function() math.randomseed(os.time() + seed * 7919) end
request = function()
  local kind = math.random(8)
  local range
  if kind == 1 then
    range = "bytes=" .. math.random(size - 8 * 1024 * 1024, size - 1) .. "-"
  elseif kind == 2 then
    range = "bytes=-" .. math.random(1, 8 * 1024 * 1024)
  else
    local from = math.random(0, size - 1)
    range = "bytes=" .. from .. "-" .. math.min(size - 1, from + math.random(1024, 8 * 1024 * 1024) - 1)
  end
  return wrk.format("GET", "/api/v1/artifacts/$DIGEST", { ["Range"] = range })
end
LUA

check_ranges() {  # compares 100 random ranges with the file while the load runs
  local bad=0
  for i in $(seq 1 100); do
    local from=$(( (RANDOM * 32768 + RANDOM) % SIZE )); local len=$(( (RANDOM % 4096 + 1) * 256 ))
    local to=$(( from + len - 1 < SIZE - 1 ? from + len - 1 : SIZE - 1 ))
    cmp -s <(curl -fsS -H "Range: bytes=$from-$to" "http://127.0.0.1:$PORT/api/v1/artifacts/$DIGEST") \
      <(tail -c +$((from + 1)) "$WORK/file.bin" | head -c $((to - from + 1))) || bad=$((bad + 1))
    sleep "$(awk -v s="$SECS" 'BEGIN {printf "%.2f", s / 120}')"
  done
  echo "$bad" > "$WORK/checker.bad"
}
check_ranges &
CHECKER=$!
OUT=$(wrk -t2 -c"$READERS" -d"${SECS}s" --timeout 30s --latency -s "$WORK/ranges.lua" "http://127.0.0.1:$PORT" 2>&1)
wait "$CHECKER"
echo "$OUT" > "$WORK/wrk.txt"
REQS=$(echo "$OUT" | awk '/requests in/ {print $1}')
READ=$(echo "$OUT" | awk '/requests in/ {print $5}')
SOCKET_ERRORS=$(echo "$OUT" | awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}'); SOCKET_ERRORS=${SOCKET_ERRORS:-0}
NON2XX=$(echo "$OUT" | awk '/Non-2xx/ {print $NF}'); NON2XX=${NON2XX:-0}
pct() { echo "$OUT" | awk -v p="$1" '$1 == p {print $2}'; }
RSS=$(awk '/VmHWM/ {print $2}' "/proc/$AGENT_PID/status")
echo "$READERS readers, ${SECS}s, random ranges (1 KiB-8 MiB) of a ${SIZE_MIB} MiB artifact, agent -Xmx$XMX"
echo "requests $REQS, read $READ, $(echo "$OUT" | awk '/Transfer\/sec/ {print $2}')/s"
echo "latency p50 $(pct 50%)  p90 $(pct 90%)  p99 $(pct 99%)"
echo "errors: socket $SOCKET_ERRORS, non-2xx $NON2XX, wrong bytes $(cat "$WORK/checker.bad") of 100 checked"
echo "agent peak RSS $((RSS / 1024)) MiB; agent log errors: $(grep -c ' ERROR ' "$WORK/agent.log" || true)"
