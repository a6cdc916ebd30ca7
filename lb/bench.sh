#!/usr/bin/env bash
# Runs one of the load balancer benchmarks in lb/src/test/java/io/strata/lb/bench (HAProxy must be installed):
#   lb/bench.sh RenderBenchmark [apps=1000] [iterations=50]            config generation with many apps
#   lb/bench.sh HealthyToRoutableBenchmark [samples=20]                 task healthy in Marathon -> answering through HAProxy
#   lb/bench.sh RollingDeployBenchmark [deployments=10] [instances=3] [threads=4] [rate-per-thread=50]
# Everything runs in this JVM on 127.0.0.1 with free ports (ZooKeeper, master, agent, Marathon, the load balancer).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do [[ -x $j/bin/java ]] && JAVA_HOME=$j && break; done
fi
export JAVA_HOME
mvn -B -o -q -f lb/pom.xml test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -DSTRATA_LOG_LEVEL=WARN \
  -cp "lb/target/classes:lb/target/test-classes:$(cat lb/target/bench.cp)" "io.strata.lb.bench.$1" "${@:2}"
