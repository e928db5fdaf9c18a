#!/usr/bin/env bash
# Run the local Confluent-compatible schema registry (Apicurio Registry 3.0.9) in the foreground.
#
#   infra/local/registry/start.sh PORT DATADIR [CACHE_DIR]
#
# Listens on 127.0.0.1:PORT; Confluent clients use http://127.0.0.1:PORT/apis/ccompat/v7
# CACHE_DIR defaults to $CLEARWAY_REGISTRY_CACHE or ~/.cache/clearway/registry; build.sh is run
# first (a no-op when already built). The java process replaces this shell (exec), so the PID the
# caller gets from `start.sh ... &` is the server's.
#
# Environment:
#   REGISTRY_STORAGE  memory (default: H2 in memory, empty on every start) | file (H2 file in DATADIR)
#   REGISTRY_HEAP     max heap, default 512m
#   REGISTRY_ACCESS_LOG  1 to log every HTTP request (default off)
#   REGISTRY_JAVA_OPTS   extra JVM/-D options appended last (they win)
set -euo pipefail

PORT=${1:?usage: start.sh PORT DATADIR [CACHE_DIR]}
DATADIR=${2:?usage: start.sh PORT DATADIR [CACHE_DIR]}
CACHE_DIR=${3:-${CLEARWAY_REGISTRY_CACHE:-$HOME/.cache/clearway/registry}}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

"$HERE/build.sh" "$CACHE_DIR" >&2
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)
JAR="$CACHE_DIR/quarkus-app/quarkus-run.jar"

mkdir -p "$DATADIR/tmp"
DATADIR=$(cd "$DATADIR" && pwd)

java_major() { "$1/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'; }
JAVA=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  [[ -n "$c" && -x "$c/bin/java" ]] || continue
  v=$(java_major "$c"); [[ -n "$v" && "$v" -ge 17 ]] && { JAVA="$c/bin/java"; break; }
done
[[ -n "$JAVA" ]] || { echo "registry: no Java >= 17 found" >&2; exit 1; }

case "${REGISTRY_STORAGE:-memory}" in
  memory) DB_URL='jdbc:h2:mem:registry;DB_CLOSE_DELAY=-1' ;;
  file)   DB_URL="jdbc:h2:file:$DATADIR/registry-h2" ;;
  *) echo "registry: REGISTRY_STORAGE must be memory or file" >&2; exit 2 ;;
esac
ACCESS_LOG=false; [[ "${REGISTRY_ACCESS_LOG:-0}" == 1 ]] && ACCESS_LOG=true

cd "$DATADIR"
# shellcheck disable=SC2086
exec "$JAVA" \
  -Xms64m -Xmx"${REGISTRY_HEAP:-512m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.io.tmpdir="$DATADIR/tmp" \
  -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="$PORT" \
  -Dquarkus.http.access-log.enabled="$ACCESS_LOG" \
  -Dapicurio.datasource.url="$DB_URL" \
  -Dapicurio.datasource.jdbc.initial-size=2 \
  -Dapicurio.datasource.jdbc.min-size=2 \
  -Dapicurio.datasource.jdbc.max-size=20 \
  -Dapicurio.storage.snapshot.location="$DATADIR" \
  -Dapicurio.import.work-dir="$DATADIR/tmp" \
  -Dapicurio.rest.deletion.group.enabled=true \
  -Dapicurio.rest.deletion.artifact.enabled=true \
  -Dapicurio.rest.deletion.artifact-version.enabled=true \
  ${REGISTRY_JAVA_OPTS:-} \
  -jar "$JAR"
