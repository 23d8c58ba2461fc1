# Sourced by the swarmbench adapters: every lab host's wire bytes over a run (bench/host-timeline.py), recorded when
# ES_TIMELINE names a directory, one file per run, with a .holdings summary beside it. Needs REPO and the harness's
# SB_* variables; runs /usr/bin/python3 as the harness does (a `python3` on the PATH may be a slow shim).

# timeline_record NAME [TAG], in `seed`: starts the recorder in the caller's process group, so that the harness stops
# it with the seed.
timeline_record() {
  [ -n "${ES_TIMELINE:-}" ] || return 0
  mkdir -p "$ES_TIMELINE"
  local timeline="$ES_TIMELINE/$1-n$SB_N-$(( SB_FILE_SIZE >> 20 ))mib${2:+-$2}-$(date -u +%H%M%S).txt"
  echo "$timeline" > "$SB_WORK/timeline.path"
  ip netns exec "${SB_BR_NS:-sbbr}" /usr/bin/python3 "$REPO/bench/host-timeline.py" record "$timeline" \
    $(( SB_TIMEOUT + 600 )) "$SB_N" > "$SB_WORK/timeline.log" 2>&1 &
  # With ES_FLOW_COUNTERS=1, also every host's sending connections and uplink queue (bench/flow-counters.py), beside
  # the recording as .flows; FLOW_HOSTS / FLOW_SAMPLE_S pass through to it. The connections are those on the agents'
  # HTTP port, so only the Edgeswarm adapter (which sets HTTP_PORT) records them.
  if [ "${ES_FLOW_COUNTERS:-0}" = 1 ] && [ -n "${HTTP_PORT:-}" ]; then
    /usr/bin/python3 "$REPO/bench/flow-counters.py" record "${timeline%.txt}.flows" $(( SB_TIMEOUT + 600 )) \
      "$HTTP_PORT" "$SB_N" > "$SB_WORK/flows.log" 2>&1 &
  fi
}

# timeline_mark_t0, in `peer` at T0: the first peer started writes T0 for the report. A builtin clock, no process:
# the harness starts every peer at once on the lab's few cores.
timeline_mark_t0() {
  if [ -n "${ES_TIMELINE:-}" ] && [ ! -s "$SB_WORK/t0" ]; then
    local now=$EPOCHREALTIME
    TZ=UTC printf '%(%T)T.%s000\n' "${now%.*}" "${now#*.}" > "$SB_WORK/t0"
  fi
}

# timeline_summarize, in `cleanup`: writes the peers' holdings, their backlog and T0 into the .holdings file beside
# the recording and prints its path; fails when nothing was recorded.
timeline_summarize() {
  [ -s "$SB_WORK/timeline.path" ] && [ -s "$SB_WORK/t0" ] || return 1
  local timeline t0 summary
  timeline=$(cat "$SB_WORK/timeline.path") t0=$(cat "$SB_WORK/t0")
  summary=${timeline%.txt}.holdings
  { /usr/bin/python3 "$REPO/bench/host-timeline.py" holdings "$timeline" "$t0" "$SB_FILE_SIZE"
    /usr/bin/python3 "$REPO/bench/host-timeline.py" owed "$timeline" "$t0" "$SB_FILE_SIZE"
    echo "T0 $t0 UTC"
    if [ -s "${timeline%.txt}.flows" ]; then
      /usr/bin/python3 "$REPO/bench/flow-counters.py" report "${timeline%.txt}.flows" "$t0"
    fi; } > "$summary" 2>&1
  echo "$summary"
}
