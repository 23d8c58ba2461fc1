#!/bin/bash
# Edgeswarm adapter for the swarmbench harness (network namespaces h0..hN-1 with tc caps; see docs/benchmarks.md).
# The harness calls it with one subcommand; seed and peer run inside the host's namespace and stay in the
# foreground. Every host runs one agent; h0 publishes the file; each peer asks its own agent to replicate it (pulled
# from the swarm, every chunk verified, the whole digest checked), then exports the verified file to $SB_OUT and
# keeps serving until the harness stops it.
#   ES_EXPORT=link  (default) hard-link the store's data file to $SB_OUT: same file system, no copy, the way a
#                   content-addressed store hands a file to a local consumer
#   ES_EXPORT=get   GET the content through the agent's HTTP API into $SB_OUT (a client's view; one more copy)
#
#   EDGESWARM_JAR   agent jar (default: agent/target/edgeswarm-agent.jar of this repository)
#   ES_JAVA         java binary (default: java on the PATH)
#   ES_JAVA_OPTS    JVM flags (default: small heap, serial GC: N JVMs share 2 cores)
#   ES_WARM=1       start the peers' agents in `prepare` (untimed), as long-running daemons would be; the timed
#                   part is then only the transfer. Default 0: each peer starts its JVM after T0.
#   ES_WARM=2       as 1, and before publishing, the seed passes a warm-up artifact to the running peers
#                   (ES_WARMUP_MIB, default 64; published on h0, replicated by all others, then deleted;
#                   ES_WARMUP_ROUNDS times, default 2), then waits until the agents are idle, so every JIT has
#                   compiled the transfer paths, as in daemons that have served before.
#   ES_WARM=3       as 2 with a longer warm-up (defaults ES_WARMUP_MIB=256, ES_WARMUP_ROUNDS=3): JVMs near their
#                   steady state. Two 64 MiB rounds leave the per-request code in C1's profiling tier; agents that
#                   have served a few GiB spend half the CPU per byte (docs/benchmarks.md). Raise SB_READY_TIMEOUT.
#   ES_WARM=4       as 3, the warm-up artifact as large as the timed one (at least 256 MiB) and published in the
#                   chunk size the timed artifact will get (ES_WARMUP_CHUNK; `auto` sizing with 4 MB chunks at most, as
#                   the default ES_OPTS), in as many rounds as make 2.5 GiB, at least 3: agents that have served a few
#                   GiB of such chunks, so that the per-chunk code has reached C2 (a method is compiled after about
#                   5,000 calls) with the profile the timed transfer has. 64 KiB warm-up chunks did not do it: 2.4x
#                   the requests, and C2 still compiled 44 CPU-s in the window. A warm-up as large as the transfer
#                   also leaves this VM's memory as the harness leaves it for the systems after the first: N copies
#                   of the file freed just before T0, not yet handed back to the host, whose pages cost a writer a
#                   sixth of fresh ones (docs/benchmarks.md, "Warm-up as large as the transfer").
#   ES_WARMUP_SMALL_ROUNDS=R  with ES_WARM>=2, after the warm-up, R rounds of a small artifact (ES_WARMUP_SMALL_KIB,
#                   default 4096, in the warm-up's chunk size) published on h0, replicated by every peer and deleted:
#                   what runs once or a few times per artifact (a replicate, a manifest, a download's first polls)
#                   then runs as often as in a daemon that has served a few hundred artifacts. Default 0. R=200 takes
#                   about 10 minutes here (docs/benchmarks.md, twenty-ninth round).
#   ES_ZONES=K      spread hosts over K zones (host i in zone i mod K; h0 in zone 0). Default 1.
#   ES_OPTS         agent arguments; default --edgeswarm.transfer.chunk-sizing=auto (about 1024 chunks per artifact,
#                   512 KiB to 4 MiB: what a swarm of hosts should use for artifacts of a few GiB), e.g.
#                   ES_OPTS="--edgeswarm.transfer.chunk-size=2MB" for fixed 2 MB chunks
#   ES_AFTER_PREPARE  a command run by `seed` after any warm-up, just before the publish
#   ES_CONGESTION_CONTROL  every lab host's default TCP congestion control (its namespace's sysctl), set before the
#                   agents start, e.g. cubic; default: the host's (bbr on this machine). The host must list it in
#                   net.ipv4.tcp_allowed_congestion_control, or `prepare` stops ("Operation not permitted"). The
#                   reference's adapter sets its own per socket (docs/benchmarks.md, sixteenth round)
#   ES_TIMELINE     a directory: record every host's wire bytes (bench/host-timeline.py) from the publish on, one
#                   file per run, and write a .holdings file beside it: `holdings` (each peer's share of the file when
#                   the origin had sent one copy, and when each host was done), `owed` (the peers' backlog over the
#                   run), the run's T0, and how many chunks each peer had hashed into the whole digest on arrival
#   ES_FLOW_COUNTERS=1  with ES_TIMELINE, also sample every host's sending connections (tcp_info) and uplink queue
#                   beside the recording (bench/flow-counters.py; FLOW_HOSTS, FLOW_SAMPLE_S), reported in the .holdings file
#   ES_AGENT_METRICS=1  with ES_TIMELINE, beside the recording: the origin's chunk requests by outcome, upload slots and
#                   first sends in turns, once a second from the publish on (.origin), and every peer's chunk requests
#                   by outcome at the end of the run (.agents); counters since each agent started (warm-up included:
#                   take differences); one curl a second on the origin's host
#   ES_REQUEST_TRACE  a directory: every agent writes its chunk requests and their outcomes (RequestTrace at TRACE
#                   level) to DIR/<node id>.log, for bench/request-trace.py; the console log stays at INFO
#   ES_NICE         nice value of every agent (default 10; 0 for none): a background service that leaves the CPU to
#                   the kernel's network work first. When 16 agents keep 2 cores 90 % busy at nice 0, the softirq
#                   threads that move packets through the veths and the tc queues wait behind them and the uplinks
#                   idle; at nice 10 the N=16 1 GiB run took 1.155-1.231x in five runs, against 1.22-1.28x in four at
#                   nice 0 the same day (docs/benchmarks.md). Later runs at nice 10 spread over 1.153-1.354x with the
#                   host's hour; nice 19 was no better than 10.
set -u
if [ "${ES_WARM:-0}" -ge 3 ]; then WARMUP_MIB_DEFAULT=256 WARMUP_ROUNDS_DEFAULT=3; else WARMUP_MIB_DEFAULT=64 WARMUP_ROUNDS_DEFAULT=2; fi
if [ "${ES_WARM:-0}" -ge 4 ]; then
  size_mib=$(( (${SB_FILE_SIZE:-0} + 1048575) / 1048576 ))
  WARMUP_MIB_DEFAULT=$(( size_mib > 256 ? size_mib : 256 ))
  WARMUP_ROUNDS_DEFAULT=$(( (2560 + WARMUP_MIB_DEFAULT - 1) / WARMUP_MIB_DEFAULT ))
  [ "$WARMUP_ROUNDS_DEFAULT" -lt 3 ] && WARMUP_ROUNDS_DEFAULT=3
fi

auto_chunk_bytes() {  # the chunk size `chunk-sizing=auto` gives an artifact of $1 bytes (4 MB at most): size/1024
  local want=$(( ($1 + 1023) / 1024 )) size=524288   # rounded up to a power of two, 512 KiB to 4 MiB
  while [ "$size" -lt "$want" ] && [ "$size" -lt 4194304 ]; do size=$((size * 2)); done
  echo "$size"
}
# Without a process of its own: the harness starts N-1 of these at T0 on 2 cores (see post_waiting).
self=$0; [ -L "$self" ] && self=$(readlink -f "$self")
case $self in /*) ;; *) self=$PWD/$self ;; esac
REPO=${self%/*}/../..
. "$REPO/bench/swarmbench/timeline.sh"
JAR=${EDGESWARM_JAR:-$REPO/agent/target/edgeswarm-agent.jar}
ES_OPTS=${ES_OPTS---edgeswarm.transfer.chunk-sizing=auto}
if [ -n "${ES_REQUEST_TRACE:-}" ]; then
  mkdir -p "$ES_REQUEST_TRACE"
  # Spring resolves ${edgeswarm.node-id}, so each agent writes a file of its own.
  ES_OPTS="$ES_OPTS --logging.level.io.edgeswarm.agent.swarm.RequestTrace=TRACE --logging.threshold.console=INFO"
  ES_OPTS="$ES_OPTS --logging.file.name=$ES_REQUEST_TRACE/\${edgeswarm.node-id}.log"
fi
JAVA=${ES_JAVA:-java}
JAVA_OPTS=${ES_JAVA_OPTS:--Xmx160m -Xss512k -XX:+UseSerialGC -XX:CICompilerCount=2 -XX:+ExitOnOutOfMemoryError}
HTTP_PORT=7700
GOSSIP_PORT=7946
ZONES=${ES_ZONES:-1}
READY_WAIT_S=120
QUIET_WAIT_S=120
NICE=${ES_NICE:-10}

zone_of() { echo "zone-$(( $1 % ZONES ))"; }

seeds_except() {   # every host's gossip address but the given IP: any live one lets an agent join
  local out="" ip
  for ip in $SB_IPS; do [ "$ip" = "$1" ] || out="$out${out:+,}$ip:$GOSSIP_PORT"; done
  echo "$out"
}

run_agent() {      # run_agent IDX IP DIR: one agent in the foreground of the calling namespace
  exec nice -n "$NICE" "$JAVA" $JAVA_OPTS -jar "$JAR" \
    --server.port=$HTTP_PORT --server.address="$2" \
    --edgeswarm.node-id="h$1" --edgeswarm.zone="$(zone_of "$1")" \
    --edgeswarm.advertise-address="$2" --edgeswarm.gossip.bind-address="$2" --edgeswarm.gossip.port=$GOSSIP_PORT \
    --edgeswarm.gossip.seeds="$(seeds_except "$2")" \
    --edgeswarm.storage.dir="$3/store" \
    --logging.level.root=WARN --logging.level.io.edgeswarm=INFO ${ES_OPTS:-}
}

wait_ready() {     # wait_ready IP: until the agent's readiness group answers UP, bounded
  local i
  for i in $(seq 1 $((READY_WAIT_S * 5))); do
    curl -fs -m 2 "http://$1:$HTTP_PORT/actuator/health/readiness" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

post_waiting() {   # post_waiting URL WAIT_S OUT: POST without a body; the status code in POST_STATUS, the rest in OUT
  # Through bash's /dev/tcp, not curl: the harness starts every peer at T0, and on 2 cores 15 curl processes (25 ms
  # of CPU each here) delay the last peer's request by a few hundred ms. Plain HTTP/1.1 to the agent's own address.
  local hostport=${1#http://} fd line
  local path=/${hostport#*/}
  hostport=${hostport%%/*}
  POST_STATUS=000
  exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || return 1
  printf 'POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&"$fd"
  if IFS=' ' read -r -t "$2" _ POST_STATUS _ <&"$fd"; then
    while IFS= read -r -t "$2" line <&"$fd" && [ -n "${line%$'\r'}" ]; do :; done          # the headers
    while IFS= read -r -t "$2" line <&"$fd" || [ -n "$line" ]; do printf '%s\n' "${line%$'\r'}"; done > "$3"
  fi
  exec {fd}>&-
}

replicate_waiting() {  # replicate_waiting BASE DIGEST WAIT_S OUT: one replicate the agent answers when done (200)
  local attempt        # until gossip says who holds the artifact the agent answers 404 at once: retry, bounded
  for ((attempt = 1; attempt <= 300; attempt++)); do
    post_waiting "$1/artifacts/$2/replicate?wait=${3}s" "$(( $3 + 10 ))" "$4"
    [ "$POST_STATUS" = 404 ] || break
    sleep 0.1
  done
  [ "$POST_STATUS" = 200 ] || { echo "replicate answered $POST_STATUS: $(cat "$4" 2>/dev/null)" >&2; return 1; }
}

delete_artifact() {  # delete_artifact BASE DIGEST: DELETE through /dev/tcp as post_waiting does; the answer is not read
  local hostport=${1#http://} fd
  local path=/${hostport#*/}/artifacts/$2
  hostport=${hostport%%/*}
  exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || return 1
  printf 'DELETE %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&"$fd"
  read -r -t 10 _ <&"$fd"
  exec {fd}>&-
}

publish_random() {  # publish_random BYTES NAME [CHUNK]: h0 publishes BYTES of random data as bench/NAME; prints its digest
  local file="$SB_DIR/$2.bin" rc
  head -c "$1" /dev/urandom > "$file"
  curl -fsS -T "$file" "http://${SB_IPS%% *}:$HTTP_PORT/api/v1/artifacts?name=bench/$2${3:+&chunkSize=$3}" \
    | sed -E 's/.*"digest":"([^"]+)".*/\1/'
  rc=$?
  rm -f "$file"
  return $rc
}

warm_up_small() {  # untimed: a small artifact (in chunks of $1) through every agent's once-per-artifact paths
  local ips=($SB_IPS) digest i pids=()
  digest=$(publish_random $(( ${ES_WARMUP_SMALL_KIB:-4096} * 1024 )) warm-up-small "$1") || return 1
  for i in $(seq 1 $((SB_N - 1))); do   # from h0's namespace over the lab links: no process per peer
    replicate_waiting "http://${ips[$i]}:$HTTP_PORT/api/v1" "$digest" 60 /dev/null & pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "small warm-up replicate failed on h$((i + 1))" >&2; return 1; }; done
  for i in $(seq 0 $((SB_N - 1))); do delete_artifact "http://${ips[$i]}:$HTTP_PORT/api/v1" "$digest"; done
}

warm_up() {        # untimed: h0 publishes a random artifact (in chunks of $1 if given), every peer replicates it, all delete it
  local ips=($SB_IPS) digest i pids=()
  digest=$(publish_random $(( ${ES_WARMUP_MIB:-$WARMUP_MIB_DEFAULT} * 1024 * 1024 )) warm-up "$1") || return 1
  for i in $(seq 1 $((SB_N - 1))); do
    ip netns exec "h$i" bash -c "$(declare -f post_waiting replicate_waiting); replicate_waiting \
      http://${ips[$i]}:$HTTP_PORT/api/v1 $digest 600 $SB_WORK/h$i/warm-up-replicate.json" & pids+=($!)
  done
  for i in "${!pids[@]}"; do
    # The run's files go with the run: name the cause here (the answer's body is printed by replicate_waiting).
    wait "${pids[$i]}" || { echo "warm-up replicate failed on h$((i + 1)); its agent's last warnings and errors:" >&2
      grep -E ' (WARN|ERROR) ' "$SB_WORK/h$((i + 1))/agent.log" | tail -20 >&2; return 1; }
  done
  for i in $(seq 0 $((SB_N - 1))); do
    ip netns exec "h$i" curl -fsS -o /dev/null -X DELETE "http://${ips[$i]}:$HTTP_PORT/api/v1/artifacts/$digest"
  done
}

agent_metrics() {   # agent_metrics URL: the agent's request outcomes, upload slots and turns, from its Prometheus page
  curl -fs -m 2 "$1/actuator/prometheus" \
    | grep -E '^edgeswarm_(chunk_requests_seconds_count|upload_slots|upload_first_sends)' || true
}

origin_metrics() { # with ES_TIMELINE and ES_AGENT_METRICS=1, in `seed`'s process group: the origin, once a second
  local out
  out=$(cat "$SB_WORK/timeline.path" 2>/dev/null) || return 0
  out=${out%.txt}.origin
  for _ in $(seq 1 $(( SB_TIMEOUT + 600 ))); do
    { echo "@ $EPOCHREALTIME"; agent_metrics "http://$SB_IP:$HTTP_PORT"; } >> "$out"
    sleep 1
  done
}

wait_quiet() {     # until the agents' JITs have drained their queues: all JVMs together under 0.2 s of CPU a second
  local pids ticks last="" now quiet=0 i hz
  hz=$(getconf CLK_TCK)
  for i in $(seq 1 $QUIET_WAIT_S); do
    pids=$(pgrep -f -- "-jar $JAR") || return 0
    ticks=0
    for p in $pids; do now=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && ticks=$((ticks + now)); done
    if [ -n "$last" ] && [ $((ticks - last)) -lt $((hz / 5)) ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 2 ] && return 0
    last=$ticks
    sleep 1
  done
  echo "agents still busy after ${QUIET_WAIT_S}s of waiting; timing anyway" >&2
}

case "${1:-}" in
info) echo "model=p2p" ;;
prepare)
  [ -f "$JAR" ] || { echo "no agent jar at $JAR: ./mvnw -pl agent -DskipTests package" >&2; exit 1; }
  if [ -n "${ES_CONGESTION_CONTROL:-}" ]; then
    # Every lab host's default, before any agent opens a socket (each namespace has its own).
    for i in $(seq 0 $((SB_N - 1))); do
      ip netns exec "h$i" sysctl -qw net.ipv4.tcp_congestion_control="$ES_CONGESTION_CONTROL" || exit 1
    done
  fi
  if [ "${ES_WARM:-0}" -ge 1 ]; then
    # Long-running agents, as deployed: started now (untimed), stopped by `cleanup`.
    : > "$SB_WORK/warm.pids"
    for i in $(seq 1 $((SB_N - 1))); do
      ip=$(echo $SB_IPS | cut -d' ' -f$((i + 1)))
      mkdir -p "$SB_WORK/h$i"
      ip netns exec "h$i" bash -c "$(declare -f run_agent zone_of seeds_except); JAR='$JAR' JAVA='$JAVA' JAVA_OPTS='$JAVA_OPTS' NICE='$NICE' \
        HTTP_PORT=$HTTP_PORT GOSSIP_PORT=$GOSSIP_PORT ZONES=$ZONES SB_IPS='$SB_IPS' ES_OPTS='${ES_OPTS:-}' \
        run_agent $i $ip $SB_WORK/h$i" > "$SB_WORK/h$i/agent.log" 2>&1 < /dev/null &
      echo $! >> "$SB_WORK/warm.pids"
    done
    for i in $(seq 1 $((SB_N - 1))); do
      ip=$(echo $SB_IPS | cut -d' ' -f$((i + 1)))
      ip netns exec "h$i" bash -c "$(declare -f wait_ready); HTTP_PORT=$HTTP_PORT READY_WAIT_S=$READY_WAIT_S \
        wait_ready $ip" || { echo "agent h$i did not start" >&2; exit 1; }
    done
  fi ;;
seed)
  # The agent in the background of this process group; publish once it is ready, then stay with it. Artifact names
  # are lower case, the harness's file names need not be.
  ( run_agent 0 "$SB_IP" "$SB_DIR" ) > "$SB_DIR/agent.log" 2>&1 &
  agent=$!
  wait_ready "$SB_IP" || exit 1
  if [ "${ES_WARM:-0}" -ge 2 ]; then
    chunk=${ES_WARMUP_CHUNK:-}
    if [ -z "$chunk" ] && [ "$ES_WARM" -ge 4 ]; then chunk=$(auto_chunk_bytes "$(stat -c %s "$SB_SRC")"); fi
    for round in $(seq 1 "${ES_WARMUP_ROUNDS:-$WARMUP_ROUNDS_DEFAULT}"); do warm_up "$chunk" || exit 1; done
    for round in $(seq 1 "${ES_WARMUP_SMALL_ROUNDS:-0}"); do warm_up_small "$chunk" || exit 1; done
    wait_quiet
  fi
  # A caller's hook once everything untimed that crosses the network is done (bench/edge-sites.sh snapshots its WAN
  # counters here).
  if [ -n "${ES_AFTER_PREPARE:-}" ]; then $ES_AFTER_PREPARE; fi
  timeline_record edgeswarm
  if [ "${ES_AGENT_METRICS:-0}" = 1 ]; then origin_metrics & fi
  curl -fsS -T "$SB_SRC" "http://$SB_IP:$HTTP_PORT/api/v1/artifacts?name=bench/$(tr A-Z a-z <<<"$SB_FILE_NAME")" > "$SB_DIR/published.json" \
    && touch "$SB_DIR/.published"
  wait $agent ;;
seed-ready) [ -f "$SB_DIR/.published" ] ;;
peer)
  if [ "${ES_WARM:-0}" = 0 ]; then
    ( run_agent "$SB_IDX" "$SB_IP" "$SB_DIR" ) > "$SB_DIR/agent.log" 2>&1 &
    wait_ready "$SB_IP" || exit 1
  fi
  timeline_mark_t0
  # Until gossip says who holds the artifact, the agent answers 404 at once; retry briefly, bounded.
  base="http://$SB_IP:$HTTP_PORT/api/v1"
  digest="sha256:$SB_FILE_SHA256"
  ok=0
  if [ "${ES_EXPORT:-link}" = get ]; then
    for attempt in $(seq 1 300); do
      if curl -fsS -o "$SB_OUT" "$base/artifacts/$digest" 2>> "$SB_DIR/curl.log"; then ok=1; break; fi
      sleep 0.1
    done
  else
    # One request per host that the agent answers once the artifact is complete: every chunk verified and the whole
    # file checked against the digest (200), instead of a status poll every 0.1 s (7 polling hosts cost the 2 cores
    # about a third of their time in curl processes and status requests).
    wait_s=$(( SB_TIMEOUT < 3600 ? SB_TIMEOUT : 3600 ))   # the agent allows at most 1 h
    if replicate_waiting "$base" "$digest" "$wait_s" "$SB_DIR/replicate.json"; then
      ln "$SB_DIR/store/artifacts/$SB_FILE_SHA256/data" "$SB_OUT" && ok=1
    fi
  fi
  [ "$ok" = 1 ] || exit 1
  echo "$EPOCHREALTIME" > "$SB_DONE"
  wait ;;
cleanup)
  if summary=$(timeline_summarize); then
    # How much of the whole digest each peer had computed as chunks arrived; the rest was hashed at completion.
    counts=$(grep -h -o "Artifact sha256:$SB_FILE_SHA256 is complete and verified ([0-9]* of [0-9]*" \
      "$SB_WORK"/h*/agent.log | sed -E 's/.*\(//')
    echo "chunks hashed on arrival: $(cut -d' ' -f1 <<<"$counts" | tr '\n' ' ')of $(head -1 <<<"$counts" | cut -d' ' -f3)" \
      >> "$summary"
    if [ "${ES_AGENT_METRICS:-0}" = 1 ]; then
      # The peers are still up here (the harness stops the origin first).
      for i in $(seq 1 $((SB_N - 1))); do
        ip=$(echo $SB_IPS | cut -d' ' -f$((i + 1)))
        echo "@ h$i"
        ip netns exec "h$i" bash -c "$(declare -f agent_metrics); agent_metrics http://$ip:$HTTP_PORT"
      done > "${summary%.holdings}.agents"
    fi
  fi
  if [ -f "$SB_WORK/warm.pids" ]; then
    for pid in $(cat "$SB_WORK/warm.pids"); do pkill -TERM -P "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; done
    sleep 1
    for pid in $(cat "$SB_WORK/warm.pids"); do pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
  fi ;;
*) echo "usage: $0 info|prepare|seed|seed-ready|peer|cleanup" >&2; exit 2 ;;
esac
