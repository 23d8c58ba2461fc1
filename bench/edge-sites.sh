#!/usr/bin/env bash
# Edge sites: ZONES x PER_ZONE hosts (default 4 x 4) in the swarmbench lab, with the traffic between zones capped
# low, as sites joined by thin WAN links. Runs each system once and reports, besides the time, how many copies of
# the artifact entered each zone over the WAN (cross-zone bytes into the zone / artifact size).
#   SWARMBENCH_DIR=/path/to/swarmbench bench/edge-sites.sh [SIZE_MiB=256] [WAN_MBIT=20]
# Host i is in zone i mod ZONES (the adapter's ES_ZONES rule); h0, the seed, is in zone 0. Every host keeps its
# UP_MBIT/DOWN_MBIT access caps (100/200); on top of that its traffic to other zones goes through one HTB class of
# WAN_MBIT (a per-host WAN share: a zone of 4 hosts has 4 x WAN_MBIT towards the rest), split into one leaf per
# destination zone, whose byte counters give the per-zone figures. Gossip and control traffic count too.
#   SYSTEMS   adapters to run (default: Edgeswarm with ES_WARM=2, then BitTorrent)
#   EDGESWARM_JAR, ES_RUNTIME=jdk25-aot  the agents' jar and JVM, as for swarm-distribution.sh (bench/agent-runtime.sh)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
: "${SWARMBENCH_DIR:?set SWARMBENCH_DIR to the swarmbench harness (bench.sh, run-system.sh, netlab.sh)}"
. "$SWARMBENCH_DIR/lib/common.sh"
SNAPSHOT_TO=""
[ "${1:-}" = --snapshot ] && { SNAPSHOT_TO=$2; shift 2; }   # the adapter's hook: counters only
SIZE_MIB=${1:-256}
WAN_MBIT=${2:-20}
ZONES=${ZONES:-4}
PER_ZONE=${PER_ZONE:-4}
UP_MBIT=${UP_MBIT:-100}
DOWN_MBIT=${DOWN_MBIT:-200}
N=$((ZONES * PER_ZONE))
SYSTEMS=${SYSTEMS:-"$REPO/bench/swarmbench/edgeswarm.sh bittorrent"}
DATA=${SB_DATA:-/dev/shm/swarmbench}
FILE="$DATA/edge-${SIZE_MIB}m.bin"
COUNTERS="$DATA/edge-sites"   # counter snapshots and each run's log

zone_of() { echo $(( $1 % ZONES )); }
ip_of() { echo "$SB_SUBNET_PREFIX.$((10 + $1))"; }

cap_wan() {       # per host: class 1:2 (WAN_MBIT) with a leaf 1:2<z> and dst filters per other zone
  local i z j ns leaf_kbit=$(( WAN_MBIT * 1000 / (ZONES - 1) ))
  for i in $(seq 0 $((N - 1))); do
    ns=$(sb_ns "$i")
    tc -n "$ns" class add dev eth0 parent 1: classid 1:2 htb rate "${WAN_MBIT}mbit" ceil "${WAN_MBIT}mbit" quantum 1514
    for z in $(seq 0 $((ZONES - 1))); do
      [ "$z" = "$(zone_of "$i")" ] && continue
      tc -n "$ns" class add dev eth0 parent 1:2 classid "1:2$z" htb rate "${leaf_kbit}kbit" ceil "${WAN_MBIT}mbit" quantum 1514
      tc -n "$ns" qdisc add dev eth0 parent "1:2$z" bfifo limit 200000
      for j in $(seq 0 $((N - 1))); do
        [ "$(zone_of "$j")" = "$z" ] && tc -n "$ns" filter add dev eth0 parent 1: protocol ip prio 1 u32 \
          match ip dst "$(ip_of "$j")/32" flowid "1:2$z"
      done
    done
  done
}

snapshot() {      # snapshot FILE: "zone bytes" lines, bytes sent into each zone from the others so far
  local i z ns bytes
  for z in $(seq 0 $((ZONES - 1))); do
    bytes=0
    for i in $(seq 0 $((N - 1))); do
      [ "$(zone_of "$i")" = "$z" ] && continue
      ns=$(sb_ns "$i")
      bytes=$((bytes + $(tc -s -n "$ns" class show dev eth0 classid "1:2$z" | awk '/Sent/ {print $2; exit}')))
    done
    echo "$z $bytes"
  done > "$1"
}

if [ -n "$SNAPSHOT_TO" ]; then snapshot "$SNAPSHOT_TO"; exit 0; fi
. "$REPO/bench/agent-runtime.sh"   # EDGESWARM_JAR, ES_RUNTIME=jdk25-aot
export SB_READY_TIMEOUT=${SB_READY_TIMEOUT:-240}   # the seed warms up (ES_WARM=2) before it publishes
mkdir -p "$DATA" "$COUNTERS"
[ -f "$FILE" ] || head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$FILE"

"$SWARMBENCH_DIR/netlab.sh" down >/dev/null 2>&1 || true
"$SWARMBENCH_DIR/netlab.sh" up "$N" "$UP_MBIT" "$DOWN_MBIT" 2
trap '"$SWARMBENCH_DIR/netlab.sh" down >/dev/null 2>&1' EXIT
cap_wan

printf '\n%-10s %4s %6s %9s %8s %7s  %s\n' system N size "time s" "bound s" ratio "copies into zone 0..$((ZONES - 1)) over the WAN"
for system in $SYSTEMS; do
  name=$(basename "$system" .sh)
  snapshot "$COUNTERS/before"
  # Edgeswarm's warm-up (untimed, ES_WARM=2) crosses zones too: the adapter takes the snapshot again after it.
  result=$(cd "$SWARMBENCH_DIR" && ES_WARM=${ES_WARM:-2} ES_ZONES=$ZONES \
    ES_AFTER_PREPARE="$REPO/bench/edge-sites.sh --snapshot $COUNTERS/before" \
    ZONES=$ZONES PER_ZONE=$PER_ZONE SWARMBENCH_DIR=$SWARMBENCH_DIR \
    ./run-system.sh "$system" "$FILE" "$N" "edge ${ZONES}x${PER_ZONE} wan=${WAN_MBIT}" 2>&1 | tee "$COUNTERS/$name.log" \
    | grep '^RESULT' || true)
  snapshot "$COUNTERS/after"
  copies=$(join "$COUNTERS/before" "$COUNTERS/after" | awk -v f=$((SIZE_MIB * 1024 * 1024)) \
    '{printf "%s%.2f", sep, ($3 - $2) / f; sep=" "}')
  time=$(sed -nE 's/.* time=([0-9.]+)s.*/\1/p' <<<"$result")
  bound=$(sed -nE 's/.* bound=([0-9.]+)s.*/\1/p' <<<"$result")
  ratio=$(sed -nE 's/.* ratio=([0-9.]+) .*/\1/p' <<<"$result")
  status=$(sed -nE 's/.* status=([a-z]+).*/\1/p' <<<"$result")
  printf '%-10s %4d %5dM %9s %8s %7s  %s  %s\n' "$name" "$N" "$SIZE_MIB" "${time:--}" "${bound:--}" "${ratio:--}" \
    "$copies" "${status:-failed, see $COUNTERS/$name.log}"
done
