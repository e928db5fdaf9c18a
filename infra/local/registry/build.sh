#!/usr/bin/env bash
# Build (once) a runnable Apicurio Registry 3.0.9 (Confluent-compatible ccompat API) from Maven Central.
#
#   infra/local/registry/build.sh CACHE_DIR        e.g. ~/.cache/clearway/registry
#
# Result: CACHE_DIR/quarkus-app/quarkus-run.jar (Quarkus fast-jar). Idempotent: exits at once if a
# jar built from the same inputs (pom.xml, settings.xml, src/, this script) is already there.
# Maven artifacts go to a private local repository (CACHE_DIR/m2) because a synthetic parent POM is
# installed there (see NOTES.md); ~/.m2 is not touched.
set -euo pipefail

CACHE_DIR=${1:?usage: build.sh CACHE_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)

APICURIO_VERSION=3.0.9
# Apicurio's parent POM at 3.0.9 is not served; 3.0.7's is, and differs only in its own version.
PARENT_TEMPLATE_VERSION=3.0.7

OUT="$CACHE_DIR/quarkus-app"
STAMP_FILE="$OUT/.clearway-build-id"
BUILD_ID=$(cd "$HERE" && { cat pom.xml settings.xml build.sh; find src -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16)

if [[ -f "$OUT/quarkus-run.jar" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$BUILD_ID" ]]; then
  echo "registry: already built ($OUT/quarkus-run.jar)"
  exit 0
fi

# --- pick a JDK >= 17 ---------------------------------------------------------------------------
java_major() { "$1/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'; }
pick_java_home() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n "$c" && -x "$c/bin/javac" ]] || continue
    local v; v=$(java_major "$c")
    [[ -n "$v" && "$v" -ge 17 ]] && { echo "$c"; return 0; }
  done
  return 1
}
JAVA_HOME=$(pick_java_home) || { echo "registry: no JDK >= 17 found" >&2; exit 1; }
export JAVA_HOME
command -v mvn >/dev/null || { echo "registry: mvn not found (apt-get install maven)" >&2; exit 1; }

M2="$CACHE_DIR/m2"
WORK="$CACHE_DIR/build"
LOG="$CACHE_DIR/build.log"
SETTINGS="${CLEARWAY_MAVEN_SETTINGS:-$HERE/settings.xml}"
MVN=(mvn -B -q -s "$SETTINGS" -Dmaven.repo.local="$M2")

: > "$LOG"
fail() {
  echo "registry: build failed at step: $1 (log: $LOG)" >&2
  tail -n 60 "$LOG" >&2
  exit 1
}

start=$(date +%s)
echo "registry: building Apicurio Registry $APICURIO_VERSION into $OUT (JAVA_HOME=$JAVA_HOME, log: $LOG)"

# Helper goals (dependency:get, install:install-file) must not run next to a pom.xml.
mkdir -p "$CACHE_DIR/tmp"
cd "$CACHE_DIR/tmp"

# 1. Synthetic parent POM io.apicurio:apicurio-registry:3.0.9 (copy of 3.0.7 with its version changed)
PARENT_DIR="$M2/io/apicurio/apicurio-registry/$APICURIO_VERSION"
if [[ ! -f "$PARENT_DIR/apicurio-registry-$APICURIO_VERSION.pom" ]]; then
  "${MVN[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
    -Dartifact="io.apicurio:apicurio-registry:$PARENT_TEMPLATE_VERSION:pom" -Dtransitive=false \
    >>"$LOG" 2>&1 || fail "fetch parent POM template"
  sed "0,/<version>$PARENT_TEMPLATE_VERSION<\/version>/s//<version>$APICURIO_VERSION<\/version>/" \
    "$M2/io/apicurio/apicurio-registry/$PARENT_TEMPLATE_VERSION/apicurio-registry-$PARENT_TEMPLATE_VERSION.pom" \
    > "$CACHE_DIR/tmp/apicurio-registry-$APICURIO_VERSION.pom"
  "${MVN[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file \
    -Dfile="$CACHE_DIR/tmp/apicurio-registry-$APICURIO_VERSION.pom" \
    -DpomFile="$CACHE_DIR/tmp/apicurio-registry-$APICURIO_VERSION.pom" -Dpackaging=pom \
    >>"$LOG" 2>&1 || fail "install synthetic parent POM"
fi

# 2. Fresh copy of the augmentation project, plus the app's own application.properties
rm -rf "$WORK"
mkdir -p "$WORK/src/main/resources"
cp "$HERE/pom.xml" "$WORK/"
cp -r "$HERE/src/main/java" "$WORK/src/main/"
"${MVN[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
  -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION" -Dtransitive=false \
  >>"$LOG" 2>&1 || fail "fetch apicurio-registry-app"
unzip -p "$M2/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION.jar" \
  application.properties > "$WORK/src/main/resources/application.properties" || fail "extract application.properties"

# 3. Compile the shims and let Quarkus augment everything into a fast-jar
(cd "$WORK" && "${MVN[@]}" package -DskipTests) >>"$LOG" 2>&1 || fail "mvn package (Quarkus augmentation)"
[[ -f "$WORK/target/quarkus-app/quarkus-run.jar" ]] || fail "quarkus-run.jar missing after build"

# 4. Publish atomically
rm -rf "$OUT.new" "$OUT.old"
mv "$WORK/target/quarkus-app" "$OUT.new"
echo "$BUILD_ID" > "$OUT.new/.clearway-build-id"
[[ -d "$OUT" ]] && mv "$OUT" "$OUT.old"
mv "$OUT.new" "$OUT"
cd "$CACHE_DIR"
rm -rf "$OUT.old" "$WORK" "$CACHE_DIR/tmp"
echo "registry: built in $(( $(date +%s) - start ))s: $OUT/quarkus-run.jar"
