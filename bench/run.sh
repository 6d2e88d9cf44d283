#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: builds the application, the empty Funqy app and the hand-written SDK
# function (bench/sdk-funqy) twice (default build on JDK 17; AOT build on JDK 25, each with the AOT
# cache its own @QuarkusIntegrationTest trains; sdk-funqy's trains against the emulator of the sealer
# just built), runs the side-by-side benchmark (dev.sealer.bench.Benchmark) against one KMS emulator process, and
# writes the fresh results into BENCHMARKS.md between its "results" markers.
#   bench/run.sh                         about 25 minutes on the 2-core machine
#   BENCH_OPTS="-Dbench.rounds=1 -Dbench.cold-rounds=1 -Dbench.seconds=3 -Dbench.warmup=300" bench/run.sh   a quick look
#   SKIP_BUILD=1 bench/run.sh            reuse target/bench/apps
# JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64) is the JDK of the AOT build and of its runs.
set -euo pipefail
cd "$(dirname "$0")/.."
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
APPS=target/bench/apps
copy() { rm -rf "$2" && mkdir -p "$(dirname "$2")" && cp -a "$1" "$2"; }   # -a: an AOT cache checks the jars' times

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q package -DskipTests
  copy target/quarkus-app "$APPS/sealer-jdk17"
  ./mvnw -B -q -f bench/empty-funqy/pom.xml package -DskipTests
  copy bench/empty-funqy/target/quarkus-app "$APPS/empty-jdk17"
  ./mvnw -B -q -f bench/sdk-funqy/pom.xml package -DskipTests
  copy bench/sdk-funqy/target/quarkus-app "$APPS/sdk-jdk17"
  JAVA_HOME="$JDK25" ./mvnw -B -q verify -Paot
  copy target/quarkus-app "$APPS/sealer-aot"
  JAVA_HOME="$JDK25" ./mvnw -B -q -f bench/empty-funqy/pom.xml verify -Paot
  copy bench/empty-funqy/target/quarkus-app "$APPS/empty-aot"
  JAVA_HOME="$JDK25" ./mvnw -B -q -f bench/sdk-funqy/pom.xml verify -Paot   # needs target/quarkus-app (above)
  copy bench/sdk-funqy/target/quarkus-app "$APPS/sdk-aot"
fi
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
rm -f target/bench/results.md
java ${BENCH_OPTS:-} -Dbench.jdk25="$JDK25" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dcom.google.protobuf.use_unsafe_pre22_gencode=true dev.sealer.bench.Benchmark target/bench
# BENCHMARKS.md: the part between the markers is replaced by the fresh results
python3 - <<'EOF'
import re, pathlib
doc = pathlib.Path("BENCHMARKS.md")
results = pathlib.Path("target/bench/results.md").read_text()
text = doc.read_text()
begin, end = "<!-- results:begin (bench/run.sh writes this part) -->", "<!-- results:end -->"
assert begin in text and end in text, "BENCHMARKS.md lacks the results markers"
doc.write_text(text[:text.index(begin) + len(begin)] + "\n\n" + results.strip() + "\n\n" + text[text.index(end):])
print("BENCHMARKS.md updated")
EOF
