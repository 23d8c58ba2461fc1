#!/usr/bin/env bash
# Serving: one agent answering chunk requests from many concurrent clients on loopback, against nginx serving the
# same bytes of the same file as Range requests (sendfile on both sides). wrk drives both with random 4 MiB chunks.
# Usage: bench/serve-vs-nginx.sh [CONNECTIONS] [SECONDS] [SIZE_MiB] [XMX]     (defaults 64 20 256 256m)
# Needs wrk and nginx (apt-get install wrk nginx-light). Prints one line per server and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-64}; SECS=${2:-20}; SIZE_MIB=${3:-256}; XMX=${4:-256m}
CHUNK=$((4 * 1024 * 1024)); CHUNKS=$(( SIZE_MIB * 1024 * 1024 / CHUNK ))
AGENT_PORT=${AGENT_PORT:-7790}; NGINX_PORT=${NGINX_PORT:-7791}
JAR=agent/target/edgeswarm-agent.jar
[ -f "$JAR" ] || ./mvnw -q -B -pl agent -DskipTests package
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx" >&2; exit 1; }

WORK=$(mktemp -d /tmp/edgeswarm-serve.XXXXXX)
AGENT_PID=""; NGINX_STARTED=0
cleanup() {   # every step guarded: under set -e a failing step (wait returns the agent's 143) would end the trap
  if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
  if [ "$NGINX_STARTED" = 1 ] && [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$WORK/file.bin"
chmod 755 "$WORK"; chmod 644 "$WORK/file.bin"   # nginx workers run unprivileged
java -Xmx"$XMX" -XX:+UseSerialGC -jar "$JAR" --server.port=$AGENT_PORT --edgeswarm.gossip.port=0 \
  --edgeswarm.storage.dir="$WORK/store" --edgeswarm.transfer.upload-slots="$CONNS" \
  --edgeswarm.transfer.chunk-size=$CHUNK \
  --logging.level.root=WARN > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$AGENT_PORT/actuator/health/readiness" >/dev/null && break; sleep 0.2; done
DIGEST=$(curl -fsS -T "$WORK/file.bin" "http://127.0.0.1:$AGENT_PORT/api/v1/artifacts?name=bench/serve" |
  sed 's/.*"digest":"\([^"]*\)".*/\1/')
# The agent published the file, so it is its origin and sends each chunk once before any twice (409 meanwhile, see
# README "Origin first pass"); fetch every chunk once so wrk measures serving alone.
for i in $(seq 0 $((CHUNKS - 1))); do
  curl -fsS -o /dev/null "http://127.0.0.1:$AGENT_PORT/api/v1/artifacts/$DIGEST/chunks/$i"
done

cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK; }
}
CONF
nginx -c "$WORK/nginx.conf"; NGINX_STARTED=1

cat > "$WORK/agent.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/artifacts/$DIGEST/chunks/" .. math.random(0, $CHUNKS - 1))
end
LUA
cat > "$WORK/nginx.lua" <<LUA
math.randomseed(os.time())
request = function()
  local i = math.random(0, $CHUNKS - 1)
  return wrk.format("GET", "/file.bin", { ["Range"] = "bytes=" .. (i * $CHUNK) .. "-" .. ((i + 1) * $CHUNK - 1) })
end
LUA

run() {  # run NAME PORT SCRIPT -> "requests/s MiB/s p50 p99 errors"
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$3" "http://127.0.0.1:$2" 2>&1)
  echo "$out" > "$WORK/$1.wrk"
  local rps mib p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  mib=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r * 4}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
  printf '%-7s %8s req/s %6s MiB/s  p50 %8s  p99 %8s  non-2xx %s\n' "$1" "$rps" "$mib" "$p50" "$p99" "$non2xx"
  echo "$rps" > "$WORK/$1.rps"
}
# Warm both (JIT, page cache), then measure.
wrk -t2 -c"$CONNS" -d5s -s "$WORK/agent.lua" "http://127.0.0.1:$AGENT_PORT" >/dev/null 2>&1
wrk -t2 -c"$CONNS" -d5s -s "$WORK/nginx.lua" "http://127.0.0.1:$NGINX_PORT" >/dev/null 2>&1
echo "$CONNS connections, ${SECS}s, random 4 MiB chunks of a ${SIZE_MIB} MiB file, agent -Xmx$XMX"
run agent "$AGENT_PORT" "$WORK/agent.lua"
run nginx "$NGINX_PORT" "$WORK/nginx.lua"
awk -v a="$(cat "$WORK/agent.rps")" -v n="$(cat "$WORK/nginx.rps")" 'BEGIN {printf "agent / nginx = %.2f\n", a / n}'
RSS=$(awk '/VmHWM/ {print $2}' /proc/$AGENT_PID/status); echo "agent peak RSS $((RSS / 1024)) MiB"
