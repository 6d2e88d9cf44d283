#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: builds the application and the empty Funqy app, then runs the
# side-by-side benchmark (dev.sealer.bench.Benchmark) against one KMS emulator process.
#   bench/run.sh             default build
#   bench/run.sh --appcds    both applications built with an AppCDS archive and run with it
# Options as system properties in BENCH_OPTS, e.g. BENCH_OPTS="-Dbench.rounds=1 -Dbench.seconds=5".
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_OPTS=""
if [ "${1:-}" = "--appcds" ]; then
  BUILD_OPTS="-Dquarkus.package.jar.appcds.enabled=true"
  BENCH_OPTS="${BENCH_OPTS:-} -Dbench.appcds=true"
fi
./mvnw -B -q package -DskipTests $BUILD_OPTS
./mvnw -B -q -f bench/empty-funqy/pom.xml package $BUILD_OPTS
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
rm -rf target/bench
exec java ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dcom.google.protobuf.use_unsafe_pre22_gencode=true dev.sealer.bench.Benchmark target/bench
