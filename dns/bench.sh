#!/usr/bin/env bash
# Runs one of the DNS benchmarks in dns/src/test/java/io/strata/dns/bench:
#   dns/bench.sh QpsBenchmark [tasks] [seconds] [dnsperf-clients]
#   dns/bench.sh RunningToAnswerBenchmark [tasks] [background-tasks]
#   dns/bench.sh HandlerMicroBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do [[ -x $j/bin/java ]] && JAVA_HOME=$j && break; done
fi
export JAVA_HOME
mvn -B -o -q -f dns/pom.xml test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "dns/target/classes:dns/target/test-classes:$(cat dns/target/bench.cp)" \
  "io.strata.dns.bench.$1" "${@:2}"
