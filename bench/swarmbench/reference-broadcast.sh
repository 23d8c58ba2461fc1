#!/bin/bash
# A lean reference as a swarmbench adapter: bench/reference-broadcast.py (the scatter/all-gather schedule over
# connections set up before T0, sendfile and pwrite, nothing hashed). Not a distribution system: it shows how close
# to the bound this lab lets N hosts get when moving the bytes costs almost no CPU (docs/benchmarks.md).
#   REFERENCE_CHUNK   chunk size in bytes (default 262144)
#   REFERENCE_BACKLOG chunks a peer may owe each other peer before it stops reading from the origin (default 2)
#   REFERENCE_CONGESTION_CONTROL
#                     TCP congestion control of its connections, e.g. cubic (default: the host's; bbr on this machine)
#   ES_TIMELINE       a directory: record every host's wire bytes (bench/host-timeline.py), as the Edgeswarm adapter
#                     does, with the peers' holdings and backlog beside each run
#   REFERENCE_PYTHON  interpreter (default /usr/bin/python3, as the harness uses: each peer's `go` starts one at T0,
#                     and a `python3` on the PATH may be a version manager's shim costing ten times the start)
set -u
REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$REPO/bench/swarmbench/timeline.sh"
PROG="${REFERENCE_PYTHON:-/usr/bin/python3} $REPO/bench/reference-broadcast.py"
PORT=7800
CHUNK=${REFERENCE_CHUNK:-262144}

case "${1:-}" in
info) echo "model=p2p" ;;
prepare)
  # One daemon per peer, started now (untimed) and stopped by `cleanup`; each connects to every other peer and
  # then to the origin once the seed is up.
  : > "$SB_WORK/reference.pids"
  for i in $(seq 1 $((SB_N - 1))); do
    mkdir -p "$SB_WORK/h$i"
    ip netns exec "h$i" $PROG daemon "$i" "$SB_IPS" $PORT "$CHUNK" "$SB_FILE_SIZE" "$SB_WORK/h$i/reference.bin" \
      > "$SB_WORK/h$i/reference.log" 2>&1 < /dev/null &
    echo $! >> "$SB_WORK/reference.pids"
  done ;;
seed)
  timeline_record reference "${REFERENCE_CONGESTION_CONTROL:-default}"
  exec $PROG daemon 0 "$SB_IPS" $PORT "$CHUNK" "$SB_FILE_SIZE" "$SB_SRC" "$SB_DIR/.ready" ;;
seed-ready) [ -f "$SB_DIR/.ready" ] ;;
peer)
  timeline_mark_t0
  $PROG go "$SB_IP" $PORT "$SB_OUT" "$SB_DONE" || exit 1
  exec sleep 3600 ;;            # the daemon writes $SB_DONE; stay until the harness stops the run
cleanup)
  timeline_summarize > /dev/null
  [ -f "$SB_WORK/reference.pids" ] && kill -TERM $(cat "$SB_WORK/reference.pids") 2>/dev/null
  true ;;
*) echo "usage: $0 info|prepare|seed|seed-ready|peer|cleanup" >&2; exit 2 ;;
esac
