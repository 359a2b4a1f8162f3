#!/usr/bin/env bash
# Runs every Tandem test suite: unit, integration on SQLite and on PostgreSQL, browser, and the
# two-node cluster (nginx + 2 Tandem nodes + PostgreSQL + Redis).
# Works on a fresh Debian machine as root: installs Chromium, PostgreSQL, Redis, nginx and coturn when
# missing, starts a throwaway PostgreSQL cluster and Redis on 127.0.0.1 and stops them afterwards.
# The last line is "N passed, N failed"; the exit code is non-zero on any failure.
#
#   ./test.sh                every suite
#   ./test.sh unit           one suite: unit | sqlite | postgres | browser | cluster (several allowed)
#   ./test.sh reliability    only the reliability tests (QUALITY.md R1, R2, R3, R5) on SQLite and PostgreSQL
#   ./test.sh --full [...]   the long reliability runs (TANDEM_FULL=1): the crash test kills the
#                            server 20 times per provider instead of 3
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIG=${TANDEM_TEST_CONFIGURATION:-Release}
LOGS="$ROOT/.tmp/test-logs"
mkdir -p "$LOGS"
SUITES=()
for arg in "$@"; do
  case "$arg" in
    --full) export TANDEM_FULL=1 ;;
    *) SUITES+=("$arg") ;;
  esac
done
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit sqlite postgres browser cluster)
wants() { local s; for s in "${SUITES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

say() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  say "Installing $* from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then apt_install chromium; fi
  export TANDEM_CHROMIUM="$(command -v chromium)"
}

PGDATA_DIR=""
PG_BIN=""
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PG_BIN" ]; then apt_install postgresql; PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
  PGDATA_DIR=$(mktemp -d /tmp/tandem-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$PGDATA_DIR"
    run=(runuser -u postgres --)
  fi
  say "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$port ($PG_BIN)"
  "${run[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$LOGS/initdb.log" 2>&1 \
    || { cat "$LOGS/initdb.log"; return 1; }
  # Throwaway and test-only: fsync off for speed; the app's own durability is tested on SQLite files and by R1.
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PGDATA_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400" \
    start >/dev/null || { cat "$PGDATA_DIR/server.log"; return 1; }
  export TANDEM_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Include Error Detail=true"
}

REDIS_DIR=""
REDIS_PID=""
start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  REDIS_DIR=$(mktemp -d /tmp/tandem-redis.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  say "Starting a throwaway Redis on 127.0.0.1:$port"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$REDIS_DIR" \
    --logfile "$REDIS_DIR/redis.log" --daemonize no >/dev/null 2>&1 &
  REDIS_PID=$!
  local i
  for i in $(seq 1 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; then
      export TANDEM_TEST_REDIS="127.0.0.1:$port"; return 0
    fi
    sleep 0.1
  done
  cat "$REDIS_DIR/redis.log"; return 1
}

stop_redis() {
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null; REDIS_PID=""; fi
  [ -n "$REDIS_DIR" ] && rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}

stop_postgres() {
  if [ -n "$PGDATA_DIR" ] && [ -d "$PGDATA_DIR/data" ]; then
    local run=()
    [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA_DIR"
  fi
}
trap 'stop_postgres; stop_redis' EXIT

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()
FILTER=()
run_suite() {
  local name=$1 project=$2; shift 2
  say "Suite: $name"
  local began; began=$(date +%s)
  local log="$LOGS/$name.log"
  rm -f "$LOGS/$name.xml"
  env "$@" dotnet run --project "$project" -c "$CONFIG" --no-build -- -noColor -failSkips -xml "$LOGS/$name.xml" "${FILTER[@]}" 2>&1 | tee "$log" \
    | awk '/\[FAIL\]/ { print; n = 8; fflush(); next } n > 0 { print; n--; fflush(); next } /Total: |figure:/ { print; fflush() }' || true
  local line total errors failed skipped notrun
  line=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "!! $name did not report a result (see $log)"; tail -30 "$log"
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("$name: did not finish"); return
  fi
  total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$line")
  errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$line")
  skipped=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$line")
  notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$line")
  local bad=$((failed + errors + skipped + notrun))
  local good=$((total - failed - skipped - notrun))
  [ "$good" -lt 0 ] && good=0
  TOTAL_PASSED=$((TOTAL_PASSED + good))
  TOTAL_FAILED=$((TOTAL_FAILED + bad))
  SUMMARY+=("$name: $good passed, $bad failed ($(( $(date +%s) - began )) s)")
  slowest "$LOGS/$name.xml"
}

# The five slowest tests of a suite (from its xUnit XML), so a suite that grows slow shows where.
slowest() {
  [ -s "$1" ] || return 0
  echo "   slowest:"
  grep -o '<test [^>]*>' "$1" \
    | awk '{ n = ""; t = ""
             if (match($0, / name="[^"]*"/)) n = substr($0, RSTART + 7, RLENGTH - 8)
             if (match($0, / time="[0-9.]+"/)) t = substr($0, RSTART + 7, RLENGTH - 8)
             gsub(/&quot;/, "\"", n); gsub(/&lt;/, "<", n); gsub(/&gt;/, ">", n); gsub(/&apos;/, "'\''", n); gsub(/&amp;/, "\\&", n)
             if (t != "") print t, n }' \
    | sort -rn | head -5 | awk '{ t = $1; $1 = ""; printf "   %7.1f s %s\n", t, substr($0, 2) }'
}

START=$(date +%s)
say "Building ($CONFIG)"
dotnet tool restore >/dev/null
if ! dotnet build Tandem.slnx -c "$CONFIG" -nologo -clp:ErrorsOnly 2>&1 | tee "$LOGS/build.log" | tail -20; then :; fi
if ! grep -q "Build succeeded" "$LOGS/build.log" && grep -qE "error" "$LOGS/build.log"; then
  echo "Build failed"; echo "0 passed, 1 failed"; exit 1
fi

wants unit && run_suite unit tests/Tandem.UnitTests
wants sqlite && run_suite integration-sqlite tests/Tandem.IntegrationTests TANDEM_TEST_PROVIDER=Sqlite
if wants postgres; then
  if start_postgres; then
    run_suite integration-postgres tests/Tandem.IntegrationTests TANDEM_TEST_PROVIDER=Postgres
  else
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("integration-postgres: cluster did not start")
  fi
fi
if wants reliability; then
  FILTER=(-trait "Suite=Reliability")
  run_suite reliability-sqlite tests/Tandem.IntegrationTests TANDEM_TEST_PROVIDER=Sqlite
  if [ -n "$PGDATA_DIR" ] || start_postgres; then
    run_suite reliability-postgres tests/Tandem.IntegrationTests TANDEM_TEST_PROVIDER=Postgres
  else
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("reliability-postgres: cluster did not start")
  fi
  FILTER=()
fi
if wants browser; then
  ensure_chromium
  # Online sessions: the TURN path is tested through Debian's coturn, started by the test on loopback.
  command -v turnserver >/dev/null 2>&1 || [ -x /usr/bin/turnserver ] || apt_install coturn
  FILTER=(-trait- "Suite=Cluster")
  run_suite browser tests/Tandem.BrowserTests
  FILTER=()
fi
if wants cluster; then
  ensure_chromium
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
  export TANDEM_NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  if { [ -n "$PGDATA_DIR" ] || start_postgres; } && start_redis; then
    FILTER=(-trait "Suite=Cluster")
    run_suite cluster tests/Tandem.BrowserTests TANDEM_TEST_PROVIDER=Postgres
    FILTER=()
  else
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("cluster: PostgreSQL or Redis did not start")
  fi
fi
stop_postgres
stop_redis

say "Summary ($(( $(date +%s) - START )) s)"
for s in "${SUMMARY[@]}"; do echo "  $s"; done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
