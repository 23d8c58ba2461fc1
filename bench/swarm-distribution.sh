#!/usr/bin/env bash
# Swarm distribution against the physical bound and BitTorrent, in an emulated LAN (network namespaces with tc
# caps). Uses the swarmbench harness (network lab, aria2/opentracker baseline, Kumar-Ross bound), which lives
# outside this repository: point SWARMBENCH_DIR at it. The Edgeswarm adapter is bench/swarmbench/edgeswarm.sh.
#   SWARMBENCH_DIR=/path/to/swarmbench NS="8 16" SIZE_MIB="256 1024" bench/swarm-distribution.sh
# Other settings pass through to the harness (CAPS, REPS, SYSTEMS, ...); ES_WARM / ES_ZONES / ES_OPTS to the
# adapter. Results: $SWARMBENCH_DIR/results/*.jsonl and the table it prints.
# ES_RUNTIME=jdk25-aot runs the agents on JDK 25 (JAVA25, default Temurin 25) with an AOT cache of the current jar
# (bench/aot-cache.sh, rebuilt when the jar changes), instead of the java on the PATH. EDGESWARM_JAR picks the jar
# (default agent/target/edgeswarm-agent.jar): a copy taken before a series of runs keeps later builds out of them.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
: "${SWARMBENCH_DIR:?set SWARMBENCH_DIR to the swarmbench harness (bench.sh, run-system.sh, netlab.sh)}"
[ -x "$SWARMBENCH_DIR/bench.sh" ] || { echo "$SWARMBENCH_DIR/bench.sh not found" >&2; exit 1; }
. "$REPO/bench/agent-runtime.sh"
export SYSTEMS=${SYSTEMS:-"$REPO/bench/swarmbench/edgeswarm.sh bittorrent"}
# The seed warms up before it publishes (ES_WARM=2), which takes longer than the harness waits by default.
# ES_WARM=3 and 4 (a few GiB through every agent first) take minutes.
if [ "${ES_WARM:-0}" -ge 3 ]; then export SB_READY_TIMEOUT=${SB_READY_TIMEOUT:-900}; fi
export SB_READY_TIMEOUT=${SB_READY_TIMEOUT:-240}
export NS=${NS:-8} SIZE_MIB=${SIZE_MIB:-256} CAPS=${CAPS:-100/200} REPS=${REPS:-1}
exec "$SWARMBENCH_DIR/bench.sh"
