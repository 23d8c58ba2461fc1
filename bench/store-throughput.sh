#!/usr/bin/env bash
# Publish and download one artifact through a single agent on loopback; prints throughput, peak heap and RSS.
#   bench/store-throughput.sh [SIZE_MiB=1024] [XMX=256m]
# The file is generated once under target/bench/. Needs curl and a built agent jar.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
XMX=${2:-256m}
PORT=${PORT:-7799}
WORK=${WORK:-target/bench/store}
JAR=agent/target/edgeswarm-agent.jar
[ -f "$JAR" ] || ./mvnw -B -q -ntp -DskipTests package
mkdir -p "$WORK"; rm -rf "$WORK/data"
FILE="$WORK/input-${SIZE_MB}MiB.bin"
[ -f "$FILE" ] || head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$FILE"
EXPECTED=$(sha256sum "$FILE" | cut -d' ' -f1)

java -Xmx"$XMX" -jar "$JAR" --server.port="$PORT" --edgeswarm.storage.dir="$WORK/data" \
  --edgeswarm.node-id=bench >"$WORK/agent.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "localhost:$PORT/actuator/health/readiness" >/dev/null && break; sleep 0.5; done

heap_used() {
  curl -fs "localhost:$PORT/actuator/metrics/jvm.memory.used?tag=area:heap" \
    | sed -E 's/.*"value":([0-9.E+]+).*/\1/' | awk '{printf "%d", $1}'
}
sample() { # background sampler: max heap used (bytes) and RSS (kB) until killed
  local max_heap=0 max_rss=0
  while true; do
    h=$(heap_used || echo 0); r=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
    [ "$h" -gt "$max_heap" ] && max_heap=$h
    [ "$r" -gt "$max_rss" ] && max_rss=$r
    echo "$max_heap $max_rss" >"$WORK/sample"
    sleep 0.2
  done
}
sample & SAMPLER=$!
trap 'kill $PID $SAMPLER 2>/dev/null || true' EXIT

t0=$(date +%s.%N)
curl -fsS -H 'Expect:' -T "$FILE" "localhost:$PORT/api/v1/artifacts?name=bench/input" -o "$WORK/publish.json"
t1=$(date +%s.%N)
read -r pub_heap pub_rss <"$WORK/sample"
DIGEST=$(sed -E 's/.*"digest":"([^"]+)".*/\1/' "$WORK/publish.json")
[ "$DIGEST" = "sha256:$EXPECTED" ] || { echo "digest mismatch: $DIGEST" >&2; exit 1; }
t2=$(date +%s.%N)
GOT=$(curl -fsS "localhost:$PORT/api/v1/artifacts/$DIGEST" | sha256sum | cut -d' ' -f1)
t3=$(date +%s.%N)
[ "$GOT" = "$EXPECTED" ] || { echo "download mismatch" >&2; exit 1; }
t4=$(date +%s.%N)
curl -fsS "localhost:$PORT/api/v1/artifacts/$DIGEST" -o /dev/null
t5=$(date +%s.%N)
sleep 0.5
read -r all_heap all_rss <"$WORK/sample"
awk -v s="$SIZE_MB" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" \
    -v ph="$pub_heap" -v pr="$pub_rss" -v ah="$all_heap" -v ar="$all_rss" -v x="$XMX" 'BEGIN {
  printf "artifact %d MiB, agent -Xmx%s\n", s, x
  printf "publish  (PUT, hashed + fsynced):      %6.1f s  %7.1f MiB/s\n", b-a, s/(b-a)
  printf "download (GET piped to sha256sum):     %6.1f s  %7.1f MiB/s\n", d-c, s/(d-c)
  printf "download (GET to /dev/null, sendfile): %6.1f s  %7.1f MiB/s\n", f-e, s/(f-e)
  printf "peak heap used: publish %d MiB, overall %d MiB; peak RSS: publish %d MiB, overall %d MiB\n",
    ph/1048576, ah/1048576, pr/1024, ar/1024 }'
