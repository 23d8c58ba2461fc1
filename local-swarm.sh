#!/usr/bin/env bash
# Starts a small Edgeswarm swarm on this host, no Docker or Kubernetes needed:
#   ./local-swarm.sh          build what is missing, start agents, publish a demo artifact, print the URLs
#   ./local-swarm.sh stop     stop exactly the processes this script started (by PID)
#   ./local-swarm.sh status   show which of them run
# Settings (environment): AGENTS (default 3), BASE_PORT (7701), GOSSIP_BASE_PORT (7947), DEMO_MB (64).
set -euo pipefail
cd "$(dirname "$0")"

AGENTS=${AGENTS:-3}
BASE_PORT=${BASE_PORT:-7701}
GOSSIP_BASE_PORT=${GOSSIP_BASE_PORT:-7947}
DEMO_MB=${DEMO_MB:-64}
STARTUP_TIMEOUT_S=${STARTUP_TIMEOUT_S:-90}
HOME_DIR=target/local-swarm
AGENT_JAR=agent/target/edgeswarm-agent.jar

zone_of() { if [ "$1" -le $(((AGENTS + 1) / 2)) ]; then echo zone-a; else echo zone-b; fi; }

is_ours() { # pid name: the PID still runs and is the java process we started
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

stop() {
  local stopped=0
  for pidfile in "$HOME_DIR"/*/pid; do
    [ -e "$pidfile" ] || continue
    local dir pid
    dir=$(dirname "$pidfile"); pid=$(cat "$pidfile")
    if is_ours "$pid" "edgeswarm.node-id=$(basename "$dir")"; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      stopped=$((stopped + 1))
      echo "stopped $(basename "$dir") (pid $pid)"
    fi
    rm -f "$pidfile"
  done
  echo "stopped $stopped process(es)"
}

status() {
  for pidfile in "$HOME_DIR"/*/pid; do
    [ -e "$pidfile" ] || { echo "nothing started"; return; }
    local name pid; name=$(basename "$(dirname "$pidfile")"); pid=$(cat "$pidfile")
    if is_ours "$pid" "edgeswarm.node-id=$name"; then echo "$name running (pid $pid)"; else echo "$name not running"; fi
  done
}

build() {
  if [ ! -f "$AGENT_JAR" ]; then
    echo "building $AGENT_JAR (first run only) ..."
    ./mvnw -B -q -ntp -DskipTests package
  fi
}

wait_ready() { # url
  local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
  until curl -fs "$1/actuator/health/readiness" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "agent at $1 not ready after ${STARTUP_TIMEOUT_S}s" >&2; return 1; fi
    sleep 0.5
  done
}

start() {
  command -v java >/dev/null || { echo "java (17+) is required" >&2; exit 1; }
  command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
  build
  mkdir -p "$HOME_DIR"
  local seeds="127.0.0.1:$GOSSIP_BASE_PORT"
  for i in $(seq 1 "$AGENTS"); do
    local name="agent-$i" dir="$HOME_DIR/agent-$i"
    mkdir -p "$dir"
    if [ -e "$dir/pid" ] && is_ours "$(cat "$dir/pid")" "edgeswarm.node-id=$name"; then
      echo "$name already running (pid $(cat "$dir/pid"))"; continue
    fi
    nohup java ${AGENT_JAVA_OPTS:--Xmx256m} -jar "$AGENT_JAR" \
      --server.port=$((BASE_PORT + i - 1)) \
      --edgeswarm.node-id="$name" \
      --edgeswarm.zone="$(zone_of "$i")" \
      --edgeswarm.advertise-address=127.0.0.1 \
      --edgeswarm.storage.dir="$dir/data" \
      --edgeswarm.gossip.port=$((GOSSIP_BASE_PORT + i - 1)) \
      --edgeswarm.gossip.seeds="$seeds" \
      >"$dir/agent.log" 2>&1 &
    echo $! >"$dir/pid"
  done
  for i in $(seq 1 "$AGENTS"); do
    wait_ready "http://127.0.0.1:$((BASE_PORT + i - 1))"
    echo "agent-$i ready on http://127.0.0.1:$((BASE_PORT + i - 1)) ($(zone_of "$i"))"
  done

  local demo="$HOME_DIR/demo-${DEMO_MB}MiB.bin"
  [ -f "$demo" ] || head -c $((DEMO_MB * 1024 * 1024)) /dev/urandom >"$demo"
  local origin="http://127.0.0.1:$BASE_PORT"
  echo
  echo "publishing $demo to agent-1 ..."
  curl -fsS -T "$demo" "$origin/api/v1/artifacts?name=demo/random.bin"
  echo
  local digest
  digest=$(curl -fsS "$origin/api/v1/names/demo/random.bin" | sed -E 's/.*"digest":"([^"]+)".*/\1/')
  cat <<INFO

Swarm is up. Data and logs under $HOME_DIR/.
  status:     $origin/api/v1/status
  artifacts:  $origin/api/v1/artifacts
  manifest:   $origin/api/v1/artifacts/$digest/manifest
  download:   curl -o out.bin $origin/api/v1/artifacts/$digest
  metrics:    $origin/actuator/prometheus
Stop it with: ./local-swarm.sh stop
INFO
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
