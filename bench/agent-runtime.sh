# Sourced by the lab's runners (swarm-distribution.sh, edge-sites.sh) after REPO is set: picks the agent jar and the
# JVM the adapter starts agents with, and exports them for it.
#   EDGESWARM_JAR  agent jar (default agent/target/edgeswarm-agent.jar, built if missing): a copy taken before a
#                  series of runs keeps later builds out of them
#   ES_RUNTIME=jdk25-aot  runs the agents on JDK 25 (JAVA25, default Temurin 25) with an AOT cache of that jar
#                  (bench/aot-cache.sh, rebuilt when the jar changes), instead of the java on the PATH
JAR=${EDGESWARM_JAR:-$REPO/agent/target/edgeswarm-agent.jar}
if [ ! -f "$JAR" ]; then
  [ -z "${EDGESWARM_JAR:-}" ] || { echo "no agent jar at $EDGESWARM_JAR (EDGESWARM_JAR)" >&2; exit 1; }
  (cd "$REPO" && ./mvnw -q -B -pl agent -DskipTests package)
fi
if [ "${ES_RUNTIME:-}" = jdk25-aot ]; then
  # The cache is of the jar given (EDGESWARM_JAR, a copy kept apart from later builds, say), rebuilt when that changes.
  AOT_DIR="$REPO/agent/target/aot"
  if [ ! -s "$AOT_DIR/app.aot" ] || [ "$(cat "$AOT_DIR/source-jar" 2>/dev/null)" != "$(realpath "$JAR") $(stat -c %Y "$JAR")" ]; then
    EDGESWARM_JAR="$JAR" OUT="$AOT_DIR" "$REPO/bench/aot-cache.sh"
  fi
  export ES_JAVA=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java} EDGESWARM_JAR="$AOT_DIR/$(basename "$JAR")"
  # The adapter's flags plus the cache; the cache is valid only with the GC it was trained with (aot-cache.sh's).
  export ES_JAVA_OPTS=${ES_JAVA_OPTS:-"-Xmx160m -Xss512k -XX:+UseSerialGC -XX:CICompilerCount=2 -XX:+ExitOnOutOfMemoryError -XX:AOTCache=$AOT_DIR/app.aot"}
elif [ -n "${ES_RUNTIME:-}" ]; then
  echo "ES_RUNTIME must be jdk25-aot or unset, got $ES_RUNTIME" >&2; exit 1
else
  export EDGESWARM_JAR="$JAR"
fi
