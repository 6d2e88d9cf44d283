#!/usr/bin/env bash
# Peak memory of the packaged application with the container image's effective JVM flags, in a
# simulated container of LIMIT MiB and CPUS processors, under load (dev.sealer.bench.MemoryUnderLoad).
#   bench/memory.sh [LIMIT-MiB (512)] [CPUS (1)]        MEMORY_OPTS="-Dmemory.seconds=30"
# Used to size the heap and the memory limits in src/main/docker/Dockerfile.jvm and deploy/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SKIP_PACKAGE:-}" ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java ${MEMORY_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.sealer.bench.MemoryUnderLoad "${1:-512}" "${2:-1}"
