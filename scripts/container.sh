#!/usr/bin/env bash
# Proves the Containerfile and compose.yaml on this machine, from a clean clone:
#  1. installs Debian's podman, runc, debootstrap and podman-compose when missing (root, apt);
#  2. makes the base image localhost/cantou-base:bookworm when absent: no registry is reachable
#     here, so it is Debian bookworm (minbase + openjdk-17-jre-headless) from the Debian mirror
#     apt uses, with debootstrap, imported with `podman import`;
#  3. builds target/cantou.jar when absent (mvn -B -q package -DskipTests), then the image
#     localhost/cantou:latest from ./Containerfile;
#  4. runs it (embedded PostgreSQL in a volume, as the non-root user cantou), waits for /ready,
#     signs in as the admin it created and reads /api/me, stops it (SIGTERM, exit 143);
#  5. compose.yaml with podman-compose: up, /ready, the same API call, down.
# Podman reads scripts/container/containers.conf (CONTAINERS_CONF), not /etc/containers: runc
# and no default ulimits (see that file and docs/operations.md, "Containers").
# Every container, volume and folder it makes is removed on exit; the two images are kept (the
# base takes a minute or two to make). Exit 0 when everything answered; otherwise one line
# "container: FAILED: …" and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CONTAINERS_CONF=$ROOT/scripts/container/containers.conf
BASE=localhost/cantou-base:bookworm
IMAGE=localhost/cantou:latest
T0=$SECONDS
say() { echo "container: [$((SECONDS - T0))s] $*"; }
failed=
fail() { failed=1; echo "container: FAILED: $*" >&2; exit 1; }

# 1. Debian's tools.
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || [ -x /usr/sbin/runc ] || missing+=(runc)
command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
command -v podman-compose >/dev/null || missing+=(podman-compose)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "install Debian's ${missing[*]} (as root: apt-get install ${missing[*]})"
  fi
  say "installing Debian's ${missing[*]}…"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } || fail "apt-get install ${missing[*]}"
fi
export PATH=$PATH:/usr/sbin:/sbin

WORK=$(mktemp -d /tmp/cantou-container.XXXXXX)
NAME=cantou-check-$$
VOLUME=cantou-check-data-$$
PROJECT=cantou-check-$$
compose() { podman-compose -p "$PROJECT" -f "$ROOT/compose.yaml" "$@"; }
cleanup() {
  status=$?
  if [ $status != 0 ]; then
    [ -n "$failed" ] || echo "container: FAILED: exit $status at line ${BASH_LINENO[0]}" >&2
    echo "container: logs:" >&2
    podman logs --tail 40 "$NAME" >&2 2>/dev/null || true
    podman logs --tail 40 "${PROJECT}_cantou_1" >&2 2>/dev/null || true
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "== $log" >&2; tail -n 30 "$log" >&2; }; done
  fi
  podman rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
  [ -f "$WORK/compose.up" ] && compose down -v >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 2. The base image.
if ! podman image exists "$BASE"; then
  [ "$(id -u)" = 0 ] || fail "making $BASE needs root (debootstrap)"
  # The Debian mirror apt uses (DEBIAN_MIRROR overrides it).
  mirror=${DEBIAN_MIRROR:-$(grep -hs -e '^deb ' -e '^URIs:' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources | grep -v security | grep -o 'https\?://[^ ]*' | head -n 1 || true)}
  mirror=${mirror:-http://deb.debian.org/debian}
  say "making $BASE with debootstrap from $mirror…"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm \
    "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 || fail "debootstrap (see $WORK/debootstrap.log above)"
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -c . | podman import -q - "$BASE" >/dev/null || fail "podman import $BASE"
  rm -rf "$WORK/rootfs"
fi
say "base image $BASE: $(podman image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%d MB", $1/1e6}')"

# 3. The jar and the image.
if [ ! -f target/cantou.jar ]; then
  say "building target/cantou.jar…"
  mvn -B -q package -DskipTests >"$WORK/mvn.log" 2>&1 || fail "mvn -B -q package -DskipTests (see mvn.log above)"
fi
say "building $IMAGE from ./Containerfile…"
previous=$(podman image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
podman build -q -t "$IMAGE" -f Containerfile . >"$WORK/build.log" 2>&1 || fail "podman build (see build.log above)"
# The image the tag named before (another jar) is left untagged: remove it, not to pile them up.
if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect -f '{{.Id}}' "$IMAGE")" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi

PORT=$((20000 + RANDOM % 20000))
ADMIN_EMAIL=admin@container.test
ADMIN_PASSWORD=admin-password-1
await_ready() { # what → waits up to 180 s for 200 on /ready
  local deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ready")" = 200 ] && return 0
    sleep 1
  done
  fail "$1: /ready on port $PORT did not answer 200 within 180 s"
}
check_api() { # what → signs in as the admin, GET /api/me must name them
  local token me
  token=$(curl -sS -f -H 'Content-Type: application/json' \
    --data "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" \
    "http://127.0.0.1:$PORT/api/auth/login" | grep -o '"accessToken":"[^"]*"' | cut -d '"' -f 4) \
    || fail "$1: POST /api/auth/login"
  [ -n "$token" ] || fail "$1: no access token from /api/auth/login"
  me=$(curl -sS -f -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/me") || fail "$1: GET /api/me"
  grep -q "$ADMIN_EMAIL" <<<"$me" || fail "$1: GET /api/me did not name the admin: $me"
}

# 4. The image alone.
say "podman run $IMAGE on 127.0.0.1:$PORT (embedded PostgreSQL in volume $VOLUME)…"
podman run -d --name "$NAME" -p "127.0.0.1:$PORT:8080" -v "$VOLUME:/var/lib/cantou/data" \
  -e CANTOU_ADMIN_EMAIL=$ADMIN_EMAIL -e CANTOU_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  -e CANTOU_HTTP_PUBLIC_URL="http://127.0.0.1:$PORT" "$IMAGE" >/dev/null || fail "podman run $IMAGE"
await_ready "podman run"
say "/ready = 200"
check_api "podman run"
user=$(podman exec "$NAME" id -un) || fail "podman exec id"
[ "$user" = cantou ] || fail "the node runs as $user, not cantou"
podman exec "$NAME" sh -c 'test -f /var/lib/cantou/data/PG_VERSION || test -n "$(ls /var/lib/cantou/data)"' \
  || fail "nothing written in the data volume"
say "POST /api/auth/login + GET /api/me answered; runs as $user; data in the volume"
podman stop -t 40 "$NAME" >/dev/null || fail "podman stop"
code=$(podman inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$code" = 143 ] || fail "the node exited with $code after SIGTERM, expected 143"
podman logs "$NAME" >"$WORK/run.log" 2>&1 || true
podman rm "$NAME" >/dev/null
say "stopped with SIGTERM: exit 143"

# 5. compose.yaml.
PORT=$((20000 + RANDOM % 20000))
say "podman-compose up (project $PROJECT) on 127.0.0.1:$PORT…"
touch "$WORK/compose.up"
CANTOU_PORT=$PORT CANTOU_ADMIN_EMAIL=$ADMIN_EMAIL CANTOU_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  compose up -d >"$WORK/compose.log" 2>&1 || fail "podman-compose up (see compose.log above)"
await_ready "podman-compose"
check_api "podman-compose"
say "/ready = 200, POST /api/auth/login + GET /api/me answered"
compose down -v >>"$WORK/compose.log" 2>&1 || fail "podman-compose down (see compose.log above)"
rm -f "$WORK/compose.up"
[ -z "$(podman ps -aq --filter "name=${PROJECT}_")" ] || fail "podman-compose down left containers"
# podman-compose 1.0.3's down leaves the project's network.
podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
say "OK — image built, run, answered and stopped; compose up, answered, down"
