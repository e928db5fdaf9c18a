#!/usr/bin/env bash
# Smoke-test a running registry: infra/local/registry/smoke.sh PORT [SUBJECT]
# Registers an Avro schema, reads it back by id, sets BACKWARD on the subject, checks that an
# incompatible change is rejected with 409 and a compatible one accepted. Exits non-zero on failure.
set -euo pipefail
PORT=${1:?usage: smoke.sh PORT [SUBJECT]}
SUBJECT=${2:-smoke-$(date +%s%N)-value}
B="http://127.0.0.1:$PORT/apis/ccompat/v7"
CT='Content-Type: application/vnd.schemaregistry.v1+json'
V1='{"schema":"{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}"}'
BAD='{"schema":"{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}"}'
GOOD='{"schema":"{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}"}'
fails=0
check() { # name expected_code curl-args...
  local name=$1 want=$2; shift 2
  local out code
  out=$(curl -s -w '\n%{http_code}' "$@"); code=${out##*$'\n'}; out=${out%$'\n'*}
  if [[ "$code" == "$want" ]]; then echo "ok   $name -> $code $out"; else echo "FAIL $name -> $code (want $want) $out"; fails=$((fails+1)); fi
  LAST=$out
}
check register-v1 200 -X POST -H "$CT" "$B/subjects/$SUBJECT/versions" -d "$V1"
ID=$(sed -nE 's/.*"id":([0-9]+).*/\1/p' <<<"$LAST")
check get-by-id 200 "$B/schemas/ids/$ID"
check set-backward 200 -X PUT -H "$CT" "$B/config/$SUBJECT" -d '{"compatibility":"BACKWARD"}'
check incompatible 409 -X POST -H "$CT" "$B/subjects/$SUBJECT/versions" -d "$BAD"
check compatible 200 -X POST -H "$CT" "$B/subjects/$SUBJECT/versions" -d "$GOOD"
echo "$(( 5 - fails )) passed, $fails failed"
[[ $fails == 0 ]]
