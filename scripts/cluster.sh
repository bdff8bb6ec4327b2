#!/usr/bin/env bash
# Two Cantou nodes behind Debian's nginx, on Debian's PostgreSQL, all on loopback; then the
# teleconsultation flow through nginx with the nurse on node 1 and the doctor on node 2
# (curl, and WebSockets through the proxy with scripts/WsCheck.java). Everything it starts is
# stopped and its folder removed on exit. Needs target/cantou.jar (mvn -B package) and, when
# nginx or PostgreSQL is missing, root and apt (Debian's packages only). Exit 0 when the flow went through.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JAR=$ROOT/target/cantou.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
[ -f "$JAR" ] || { echo "cluster: $JAR is missing; build it with mvn -B package" >&2; exit 1; }

missing=()
[ -x /usr/sbin/nginx ] || missing+=(nginx)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "cluster: install Debian's ${missing[*]} (as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "cluster: installing Debian's ${missing[*]}…"
  # The packages would start their own services (nginx on port 80): not here.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy; chmod 755 $policy; own_policy=1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  [ -n "$own_policy" ] && rm -f $policy
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

WORK=$(mktemp -d /tmp/cantou-cluster.XXXXXX)
chmod 755 "$WORK"
base=$((20000 + RANDOM % 20000))
PG_PORT=$base; NODE1=$((base + 1)); NODE2=$((base + 2)); PROXY=$((base + 3))
NODE_PIDS=()

# PostgreSQL refuses to run as root: its cluster belongs to the postgres user (or the caller).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  status=$?
  for pid in "${NODE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && /usr/sbin/nginx -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -s quit 2>/dev/null || true
  [ -f "$WORK/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  if [ $status != 0 ]; then
    echo "cluster: FAILED; logs:" >&2
    for log in "$WORK"/*.log "$WORK"/nginx/error.log; do [ -f "$log" ] && { echo "== $log" >&2; tail -n 30 "$log" >&2; }; done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "cluster: PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$WORK/pg" "$WORK/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg" "$WORK/pgsock"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null
touch "$WORK/pg.log"; [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg.log"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -t 60 \
  -o "-p $PG_PORT -k $WORK/pgsock -c listen_addresses=127.0.0.1 -c idle_in_transaction_session_timeout=30s" start >/dev/null
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE cantou" >/dev/null

ADMIN_EMAIL=admin@cluster.test
ADMIN_PASSWORD=admin-password-1
start_node() { # name port
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && exec env CANTOU_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/cantou" \
    CANTOU_HTTP_HOST=127.0.0.1 CANTOU_HTTP_PORT="$2" CANTOU_HTTP_PUBLIC_URL="http://127.0.0.1:$PROXY" \
    CANTOU_HTTP_TRUSTED_PROXIES=127.0.0.1 CANTOU_ADMIN_EMAIL=$ADMIN_EMAIL CANTOU_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    "$JAVA" -jar "$JAR" >"$WORK/$1.log" 2>&1) &
  NODE_PIDS+=($!)
}
await_ready() { # port
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/ready" && return 0
    sleep 0.5
  done
  echo "cluster: node on port $1 not ready" >&2; return 1
}
echo "cluster: node 1 on $NODE1, node 2 on $NODE2"
start_node node1 "$NODE1"; await_ready "$NODE1"   # the first one migrates and stores the signing key
start_node node2 "$NODE2"; await_ready "$NODE2"

echo "cluster: nginx on 127.0.0.1:$PROXY"
mkdir -p "$WORK/nginx/tmp"
chmod 777 "$WORK/nginx/tmp"
# The configuration of docs/operations.md, on loopback without TLS; X-Cluster-Node (for this
# script only) pins a request to one node so that the nurse and the doctor are on different ones.
cat >"$WORK/nginx/nginx.conf" <<CONF
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;

  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  limit_conn_zone \$binary_remote_addr zone=cantou_per_address:10m;
  map \$http_x_cluster_node \$cantou_upstream { default cantou; 1 node1; 2 node2; }

  upstream cantou {
    server 127.0.0.1:$NODE1 max_fails=2 fail_timeout=5s;
    server 127.0.0.1:$NODE2 max_fails=2 fail_timeout=5s;
    keepalive 32;
    keepalive_timeout 20s;
  }
  upstream node1 { server 127.0.0.1:$NODE1; keepalive 8; keepalive_timeout 20s; }
  upstream node2 { server 127.0.0.1:$NODE2; keepalive 8; keepalive_timeout 20s; }

  server {
    listen 127.0.0.1:$PROXY;
    client_header_timeout 10s;
    client_body_timeout 30s;
    limit_conn cantou_per_address 200;
    limit_conn_status 429;
    proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade;
    proxy_set_header Connection \$connection_upgrade;
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Request-Id \$request_id;
    proxy_read_timeout 75s;
    proxy_next_upstream error timeout http_503;
    client_max_body_size 1m;
    location = /metrics { return 404; }
    location / { proxy_pass http://\$cantou_upstream; }
    location ~ ^/api/teleconsultations/[^/]+/files\$ { proxy_pass http://\$cantou_upstream; client_max_body_size 11m; }
  }
}
CONF
/usr/sbin/nginx -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" 2>>"$WORK/nginx/error.log"

PROXY_URL=http://127.0.0.1:$PROXY
api() { # node method path token [body] → prints the body, fails unless 2xx
  local node=$1 method=$2 path=$3 token=$4 body=${5:-}
  local args=(-sS -o "$WORK/answer" -w '%{http_code}' -X "$method" -H "X-Cluster-Node: $node" -H 'Content-Type: application/json')
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(--data "$body")
  local code
  code=$(curl "${args[@]}" "$PROXY_URL$path")
  if [[ $code != 2* ]]; then echo "cluster: $method $path on node $node answered $code: $(cat "$WORK/answer")" >&2; return 1; fi
  cat "$WORK/answer"
}
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d '"' -f 4; }
login() { api "$1" POST /api/auth/login "" "{\"email\":\"$2\",\"password\":\"$3\"}" | field accessToken; }
# An account the admin made: its owner's first sign-in with the password the admin typed ($3), and her own ($4)
# chosen in its place, as the pages make her do before anything else; the access token of the session answered.
choose() {
  local first
  first=$(login "$1" "$2" "$3")
  api "$1" POST /api/auth/password "$first" "{\"currentPassword\":\"$3\",\"newPassword\":\"$4\"}" | field accessToken
}

echo "cluster: the teleconsultation flow through nginx"
admin=$(login 1 $ADMIN_EMAIL $ADMIN_PASSWORD)
ehpad=$(api 1 POST /api/organisations "$admin" '{"kind":"ehpad","name":"EHPAD Les Estives","commune":"Murat"}' | field id)
api 1 POST /api/users "$admin" "{\"email\":\"nurse@murat.test\",\"password\":\"typed-by-the-admin\",\"role\":\"nurse\",\"displayName\":\"Sophie Delmas\",\"organisationId\":\"$ehpad\"}" >/dev/null
api 2 POST /api/users "$admin" '{"email":"geriatre@ch.test","password":"typed-by-the-admin","role":"doctor","displayName":"Dr Mercier","specialties":["geriatrie"]}' >/dev/null
nurse=$(choose 1 nurse@murat.test typed-by-the-admin password-123)
doctor=$(choose 2 geriatre@ch.test typed-by-the-admin password-123)

# The doctor's socket on node 2 must hear of the nurse's request made on node 1, and the
# nurse's socket on node 1 of the doctor's report written on node 2.
"$JAVA" "$ROOT/scripts/WsCheck.java" "ws://127.0.0.1:$PROXY/ws" "$doctor" 2 teleconsultation.queued >"$WORK/ws-doctor.out" 2>&1 &
ws_doctor=$!
"$JAVA" "$ROOT/scripts/WsCheck.java" "ws://127.0.0.1:$PROXY/ws" "$nurse" 1 teleconsultation.completed >"$WORK/ws-nurse.out" 2>&1 &
ws_nurse=$!
for _ in $(seq 1 300); do
  grep -q ready "$WORK/ws-doctor.out" 2>/dev/null && grep -q ready "$WORK/ws-nurse.out" 2>/dev/null && break
  sleep 0.2
done
grep -q ready "$WORK/ws-doctor.out" && grep -q ready "$WORK/ws-nurse.out" || { echo "cluster: sockets not ready" >&2; cat "$WORK"/ws-*.out >&2; exit 1; }

id=$(api 1 POST /api/teleconsultations "$nurse" '{"patient":{"reference":"R-1","initials":"JD","birthYear":1938},"reason":"Plaie au talon","specialty":"geriatrie","urgency":"urgent","consent":{"given":true,"by":"patient"}}' | field id)
wait $ws_doctor || { echo "cluster: the doctor's socket on node 2 did not see the request" >&2; cat "$WORK/ws-doctor.out" >&2; exit 1; }
grep -q "$id" "$WORK/ws-doctor.out"
# A file of 2 MB (over nginx's 1m for the rest of the API) reaches the node: its 415 (not a PDF, JPEG or PNG), not
# nginx's 413. The documented configuration once stopped every file over 1 MB there.
head -c 2000000 /dev/zero > "$WORK/two-megabytes.bin"
code=$(curl -sS -o "$WORK/answer" -w '%{http_code}' -X POST -H "X-Cluster-Node: 1" -H "Authorization: Bearer $nurse" \
  -H 'Content-Type: application/octet-stream' -H 'X-File-Name: scan.pdf' --data-binary @"$WORK/two-megabytes.bin" \
  "$PROXY_URL/api/teleconsultations/$id/files")
[ "$code" = 415 ] && grep -q '"status":415' "$WORK/answer" \
  || { echo "cluster: a 2 MB file through nginx answered $code, expected the node's 415: $(head -c 300 "$WORK/answer")" >&2; exit 1; }
api 2 POST "/api/teleconsultations/$id/claim" "$doctor" >/dev/null
api 1 GET "/api/teleconsultations/$id/join" "$nurse" >/dev/null
api 2 GET "/api/teleconsultations/$id/join" "$doctor" >/dev/null
api 2 POST "/api/teleconsultations/$id/complete" "$doctor" '{"report":"Soins locaux.","outcome":"advice_given"}' >/dev/null
wait $ws_nurse || { echo "cluster: the nurse's socket on node 1 did not see the report" >&2; cat "$WORK/ws-nurse.out" >&2; exit 1; }
status=$(api 1 GET "/api/teleconsultations/$id" "$nurse" | field status)
[ "$status" = completed ] || { echo "cluster: status $status, expected completed" >&2; exit 1; }
# Each node served its side: the nurse's request on node 1, the doctor's claim on node 2.
grep -q 'method=POST path=/api/teleconsultations status=201' "$WORK/node1.log"
grep -q 'path=/api/teleconsultations/:id/claim status=200' "$WORK/node2.log" || grep -q 'claim status=200' "$WORK/node2.log"
echo "cluster: OK — created on node 1, claimed and completed on node 2, both sockets told, through nginx"
