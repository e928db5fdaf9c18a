#!/usr/bin/env bash
# The local stack without Docker: Apache Kafka (KRaft, official jars from Maven Central), a
# Confluent-compatible schema registry (Apicurio Registry, built from Maven Central) and Redis
# (Debian's redis-server).
#
#   infra/local/stack.sh start | stop | status | env | logs
#
# Ports: CLEARWAY_KAFKA_PORT (9092), CLEARWAY_KAFKA_CONTROLLER_PORT (9093), CLEARWAY_REGISTRY_PORT
# (8081), CLEARWAY_REDIS_PORT (6379). Data: CLEARWAY_STACK_DIR (<repo>/.local/stack, git-ignored).
# Downloads: CLEARWAY_CACHE_DIR (~/.cache/clearway), reused between runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
KAFKA_PORT="${CLEARWAY_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${CLEARWAY_KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${CLEARWAY_REGISTRY_PORT:-8081}"
REDIS_PORT="${CLEARWAY_REDIS_PORT:-6379}"
STACK_DIR="${CLEARWAY_STACK_DIR:-$repo/.local/stack}"
CACHE_DIR="${CLEARWAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clearway}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")"
KAFKA_LIB="$CACHE_DIR/kafka-$KAFKA_VERSION/lib"
ENV_FILE="$STACK_DIR/stack.env"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for NAME SECONDS PIDFILE LOGFILE CHECK...: polls CHECK until it succeeds; fails fast if the
# process died, showing the end of its log.
wait_for() {
  local name="$1" seconds="$2" pidfile="$3" logfile="$4"; shift 4
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$pidfile"; then
      tail -n 40 "$logfile" >&2 || true
      die "$name exited during start-up (log: $logfile)"
    fi
    (( $(date +%s) < deadline )) || { tail -n 40 "$logfile" >&2 || true; die "$name did not answer within ${seconds}s (log: $logfile)"; }
    sleep 0.5
  done
}

need_java() {
  command -v java >/dev/null || die "Java 17+ is required (Debian: apt-get install openjdk-17-jre-headless)"
}

fetch_kafka() {
  [[ -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ]] && return 0
  command -v mvn >/dev/null || die "Maven is required to fetch Kafka from Maven Central (apt-get install maven)"
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_LIB"
  mkdir -p "$KAFKA_LIB"
  mvn -B -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_LIB" >"$CACHE_DIR/kafka-fetch.log" 2>&1 \
    || { tail -n 30 "$CACHE_DIR/kafka-fetch.log" >&2; rm -rf "$KAFKA_LIB"; die "Kafka download failed"; }
}

kafka_ready() {
  # The broker answers ApiVersions only once it has joined the (single-node) quorum.
  grep -q "Kafka Server started" "$STACK_DIR/kafka/kafka.log" && port_open "$KAFKA_PORT"
}

start_kafka() {
  local dir="$STACK_DIR/kafka" pidfile="$STACK_DIR/kafka/kafka.pid"
  if pid_alive "$pidfile"; then log "kafka already running (pid $(cat "$pidfile"))"; return 0; fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set CLEARWAY_KAFKA_PORT"
  need_java; fetch_kafka
  mkdir -p "$dir/data"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$dir/data|g" \
    "$here/kafka/server.properties.template" >"$dir/server.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "formatting Kafka storage failed"; }
  fi
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  : >"$dir/kafka.log"
  # Parallel GC, not G1: a broker on two cores spends its CPU per request. With the two network and
  # handler threads of server.properties.template it used 6-9 points of a core less at 1,000/s in
  # bench:e2e on a freshly started stack, and p99 was lower (142 and 127 ms against 170 and 279).
  nohup java -Xms256m -Xmx1g -XX:+UseParallelGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 &
  echo $! >"$pidfile"
  wait_for kafka 120 "$pidfile" "$dir/kafka.log" kafka_ready
}

start_registry() {
  local dir="$STACK_DIR/registry" pidfile="$STACK_DIR/registry/registry.pid"
  if pid_alive "$pidfile"; then log "schema registry already running (pid $(cat "$pidfile"))"; return 0; fi
  port_open "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by another process; set CLEARWAY_REGISTRY_PORT"
  need_java
  mkdir -p "$dir"
  bash "$here/registry/build.sh" "$CACHE_DIR/registry"
  log "starting schema registry on 127.0.0.1:$REGISTRY_PORT"
  : >"$dir/registry.log"
  # Schemas persist with the Kafka data: records on disk name schema ids that must still resolve.
  REGISTRY_STORAGE="${REGISTRY_STORAGE:-file}" \
    nohup bash "$here/registry/start.sh" "$REGISTRY_PORT" "$dir" "$CACHE_DIR/registry" >>"$dir/registry.log" 2>&1 &
  echo $! >"$pidfile"
  wait_for "schema registry" 180 "$pidfile" "$dir/registry.log" \
    curl -fsS "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects"
}

start_redis() {
  local dir="$STACK_DIR/redis" pidfile="$STACK_DIR/redis/redis.pid"
  if pid_alive "$pidfile"; then log "redis already running (pid $(cat "$pidfile"))"; return 0; fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process; set CLEARWAY_REDIS_PORT"
  if ! command -v redis-server >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
      log "installing redis-server from Debian"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >"$CACHE_DIR/apt.log" 2>&1 \
        || { tail -n 20 "$CACHE_DIR/apt.log" >&2; die "apt-get install redis-server failed"; }
    else
      die "redis-server is required (Debian: sudo apt-get install redis-server)"
    fi
  fi
  mkdir -p "$dir"
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  : >"$dir/redis.log"
  # Append-only file: the services' dedupe and trader history must survive a stack restart, like
  # the Kafka data they describe. It is compacted from 1 GB rather than Redis's 64 MB: tests and
  # benchmarks write a lot and delete it again, and at 64 MB a benchmark set off a rewrite (a fork
  # writing the whole dataset, ~3 s of a core) every 4-6 s, on a machine of two cores.
  nohup redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --save "" --appendonly yes \
    --auto-aof-rewrite-min-size 1gb --protected-mode yes --daemonize no >>"$dir/redis.log" 2>&1 &
  echo $! >"$pidfile"
  wait_for redis 30 "$pidfile" "$dir/redis.log" redis_ping
}
redis_ping() { [[ "$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"; printf 'PING\r\n' >&3; head -c 5 <&3) 2>/dev/null)" == "+PONG" ]]; }

write_env() {
  cat >"$ENV_FILE" <<ENV
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
SCHEMA_REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
ENV
}

stop_one() {
  local name="$1" pidfile="$2" pid
  if pid_alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pkill -TERM -P "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

status_line() {
  local name="$1" pidfile="$2" port="$3"
  if pid_alive "$pidfile" && port_open "$port"; then printf '%-16s up    127.0.0.1:%s (pid %s)\n' "$name" "$port" "$(cat "$pidfile")"
  elif pid_alive "$pidfile"; then printf '%-16s starting (pid %s)\n' "$name" "$(cat "$pidfile")"
  else printf '%-16s down\n' "$name"; return 1; fi
}

cmd="${1:-status}"
mkdir -p "$STACK_DIR" "$CACHE_DIR"
case "$cmd" in
  start)
    t0=$(date +%s)
    start_redis
    start_kafka
    start_registry
    write_env
    log "stack up in $(( $(date +%s) - t0 ))s; endpoints in $ENV_FILE"
    cat "$ENV_FILE"
    ;;
  stop)
    stop_one "schema registry" "$STACK_DIR/registry/registry.pid"
    stop_one kafka "$STACK_DIR/kafka/kafka.pid"
    stop_one redis "$STACK_DIR/redis/redis.pid"
    ;;
  status)
    rc=0
    status_line kafka "$STACK_DIR/kafka/kafka.pid" "$KAFKA_PORT" || rc=1
    status_line "schema registry" "$STACK_DIR/registry/registry.pid" "$REGISTRY_PORT" || rc=1
    status_line redis "$STACK_DIR/redis/redis.pid" "$REDIS_PORT" || rc=1
    exit $rc
    ;;
  env) write_env; cat "$ENV_FILE" ;;
  logs) tail -n 50 "$STACK_DIR"/*/*.log ;;
  reset)
    "$0" stop
    rm -rf "$STACK_DIR"
    log "removed $STACK_DIR"
    ;;
  *) die "usage: stack.sh start|stop|status|env|logs|reset" ;;
esac
