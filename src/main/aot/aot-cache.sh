#!/bin/sh
# The JDK AOT cache of the -Paot build (target/quarkus-app/app.aot) and the files it was trained on.
#
# A JVM maps an AOT cache only when it is the JVM build that wrote it, but on Temurin 25.0.3 it also
# maps a cache trained on OTHER jars, without a warning, and then runs the stale archived classes
# (JDK-8377932, fixed in 25.0.4). So right after the training the build records the SHA-256 of every
# file of the application folder (the cache, its JVM record, quarkus-run.jar, every jar, the generated
# application files) and the JVM that trained it, and nothing starts from a cache whose record does
# not hold:
#
#   aot-cache.sh record <app-dir> <java>    after -Paot trained <app-dir>/app.aot (Maven runs it):
#                                           writes <app-dir>/app.aot.jvm (the output of
#                                           `<java> -Xinternalversion`, the build the JVM checks) and
#                                           <app-dir>/app.aot.sha256 (sha256sum format, one line a file)
#   aot-cache.sh check <app-dir> [<java>]   exit 0 when the folder has no cache at all, or when the cache,
#                                           every file of the folder and (given <java>) the JVM are those
#                                           recorded; otherwise says why and exits 1. The image build
#                                           runs it (src/main/docker/Dockerfile.jvm)
#   aot-cache.sh run <app-dir> [JVM options...]
#                                           the documented launch: check with ${JAVA_HOME}/bin/java (or
#                                           java on the PATH), then exec it with -XX:AOTCache=<app-dir>/app.aot
#                                           (only if there is a cache), the options, -jar <app-dir>/quarkus-run.jar
#
# POSIX sh and coreutils only: the image's ubi-minimal base has sha256sum, sort and cut but no find.
# Tested by AotCacheCheckTest.
set -eu

LIST=app.aot.sha256
JVM=app.aot.jvm

refuse() {
    echo "aot-cache: REFUSED: $*" >&2
    exit 1
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$@"
    else
        shasum -a 256 "$@"
    fi
}

# Every file below the current folder as ./path, except the checksum list itself, in byte order.
files() {
    walk . | grep -v -x -e "./$LIST" -e "./$LIST.tmp" | LC_ALL=C sort
}

walk() {
    for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
        if [ -d "$entry" ] && [ ! -L "$entry" ]; then
            (walk "$entry")
        elif [ -e "$entry" ] || [ -L "$entry" ]; then
            printf '%s\n' "$entry"
        fi
    done
}

record() {
    [ $# -eq 2 ] || refuse "usage: aot-cache.sh record <app-dir> <java>"
    cd "$1"
    rm -f "$LIST" "$LIST.tmp" "$JVM"
    if [ ! -f app.aot ]; then
        echo "aot-cache: no app.aot in $1 (no training ran): nothing recorded" >&2
        return 0
    fi
    "$2" -Xinternalversion >"$JVM"
    files | while IFS= read -r file; do sha256 "$file"; done >"$LIST.tmp"
    mv "$LIST.tmp" "$LIST"
    echo "aot-cache: recorded $(wc -l <"$LIST" | tr -d ' ') files and the JVM of $1/app.aot" >&2
}

check() {
    [ $# -ge 1 ] && [ $# -le 2 ] || refuse "usage: aot-cache.sh check <app-dir> [<java>]"
    cd "$1"
    if [ ! -e app.aot ] && [ ! -e "$LIST" ] && [ ! -e "$JVM" ]; then
        echo "aot-cache: no AOT cache in $1: the JVM starts without one" >&2
        return 0
    fi
    [ -f app.aot ] || refuse "$1 has $LIST or $JVM but no app.aot: a broken -Paot build; build again"
    [ -f "$LIST" ] && [ -f "$JVM" ] ||
        refuse "$1/app.aot has no record of the files and the JVM it was trained on ($LIST, $JVM), so it cannot be told from a cache trained on other jars; build with -Paot again, or delete app.aot"
    for needed in ./app.aot "./$JVM" ./quarkus-run.jar; do
        cut -c 67- "$LIST" | grep -q -x -F -e "$needed" || refuse "$1/$LIST does not cover $needed"
    done
    if ! sha256 -c --strict --quiet "$LIST" >&2; then
        refuse "the files of $1 are not those app.aot was trained on (above): a JVM would run the stale archived classes (JDK-8377932); build with -Paot again, or delete app.aot"
    fi
    present=$(files)
    listed=$(cut -c 67- "$LIST" | LC_ALL=C sort)
    if [ "$present" != "$listed" ]; then
        refuse "$1 holds files app.aot was not trained with: $(printf '%s\n' "$present" | grep -v -x -F -e "$listed" | tr '\n' ' ')"
    fi
    if [ $# -eq 2 ]; then
        actual=$("$2" -Xinternalversion)
        [ "$actual" = "$(cat "$JVM")" ] ||
            refuse "app.aot was trained by \"$(cat "$JVM")\", this JVM is \"$actual\": the cache would not map; start it with the JVM that trained it, or build with -Paot on this one"
    fi
}

run() {
    [ $# -ge 1 ] || refuse "usage: aot-cache.sh run <app-dir> [JVM options...]"
    dir=$1
    shift
    java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    (check "$dir" "$java")
    if [ -f "$dir/app.aot" ]; then
        exec "$java" "-XX:AOTCache=$dir/app.aot" "$@" -jar "$dir/quarkus-run.jar"
    fi
    exec "$java" "$@" -jar "$dir/quarkus-run.jar"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    record) record "$@" ;;
    check) check "$@" ;;
    run) run "$@" ;;
    *) refuse "usage: aot-cache.sh record|check|run <app-dir> ..." ;;
esac
