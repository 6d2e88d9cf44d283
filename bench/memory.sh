#!/usr/bin/env bash
# Peak memory of the packaged application with the container image's JDK and effective JVM flags, in a
# simulated container of LIMIT MiB and CPUS processors, under load (dev.sealer.bench.MemoryUnderLoad).
#   bench/memory.sh [LIMIT-MiB (512)] [CPUS (1)]        MEMORY_OPTS="-Dmemory.seconds=30"
# Used to size the heap and the memory limits in src/main/docker/Dockerfile.jvm and deploy/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The image's build: the AOT build on JDK 25 (JDK25, default /usr/lib/jvm/temurin-25-jdk-amd64), as Dockerfile.jvm says.
if [ -z "${SKIP_PACKAGE:-}" ]; then
  JAVA_HOME="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}" ./mvnw -B -q verify -Paot
fi
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java ${MEMORY_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.sealer.bench.MemoryUnderLoad "${1:-512}" "${2:-1}"
