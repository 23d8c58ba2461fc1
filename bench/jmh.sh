#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths (test sources, *Benchmark): chunk hashing, the piece picker at 10k chunks x
# 1000 peers, the gossip codec. Arguments go to JMH, e.g. `bench/jmh.sh PiecePicker -p peerShare=0.1`.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl agent test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
cd agent
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
