#!/usr/bin/env bash
# Tandem's benchmark harness (issue 11, QUALITY.md "Speed").
#
#   bench/run.sh [--quick|--small|--full] [--provider sqlite|postgres] [--duration SECONDS] [--nodes 1|2] [--cases REGEX] [--trace]
#
#   --cases R only the cases whose name matches the extended regex R (B0 and B1 always run), for an A/B of one
#             change; prints the table and the goals but writes no results file
#   --trace   also samples the server's stacks (dotnet-trace, sampled thread time) while each 64-connection case is measured,
#             and writes the methods seen most often to .tmp/bench/logs/trace-<case>.txt, waiting threads included
#             (dotnet-trace is installed as a global .NET tool when missing). Sampling slows the server: compare a
#             traced run only with another traced run.
#
#   --nodes N requests go through nginx (round robin, keep-alive) to N Tandem nodes sharing one
#             PostgreSQL and one Redis (issue 27, docs/scaling.md); compare --nodes 1 with --nodes 2.
#
#   --quick   tiny data set (1 practice, 100 clients), 3 s per case: a smoke check, about 7 minutes
#   --small   a tenth of the QUALITY.md data set, 10 s per case
#   --full    the QUALITY.md data set (20 practices, 400 therapists, 10,000 clients, 300,000
#             sessions with notes, 1,000,000 responses, 500,000 messages), 10 s per case
#
# Installs wrk (Debian) when missing, builds Release, seeds the data set once (cached under
# .tmp/bench/data/<provider>-<size>), starts Tandem on 127.0.0.1 with Bench:Enabled=true, warms
# up, drives each case with wrk at 64 connections, prints the table and writes
# bench/results/<date>-<provider>-<size>.md. Exits non-zero, without a results file, when any
# request errors (non-2xx or socket errors).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=quick
PROVIDER=sqlite
DURATION=""
CONNECTIONS=64
THREADS=2
NODES=""
ONLY=""
TRACE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) SIZE=quick ;;
    --small) SIZE=small ;;
    --full|--large) SIZE=large ;;
    --provider) PROVIDER=${2:?sqlite or postgres}; shift ;;
    --duration) DURATION=${2:?seconds}; shift ;;
    --nodes) NODES=${2:?1 or 2}; shift ;;
    --cases) ONLY=${2:?a regex of case names}; shift ;;
    --trace) TRACE=1 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$PROVIDER" in sqlite|postgres) ;; *) echo "bench: --provider is sqlite or postgres" >&2; exit 2 ;; esac
case "$NODES" in ""|1|2) ;; *) echo "bench: --nodes is 1 or 2" >&2; exit 2 ;; esac
[ -n "$NODES" ] && [ "$PROVIDER" != postgres ] && { echo "bench: --nodes needs --provider postgres (several nodes share one PostgreSQL)" >&2; exit 2; }
[ -z "$DURATION" ] && { [ "$SIZE" = quick ] && DURATION=3 || DURATION=10; }
# 5 s of traffic before each case is measured, for every size: .NET compiles a page's code in tiers (quick code first,
# optimised code after some thirty calls, in the background), and a 2 s warm-up measured half-compiled pages (Today, one
# connection: 8 req/s in the first seconds after start, 41 req/s twenty seconds later, same build, same data).
WARMUP=5

say() { printf '==> %s\n' "$*" >&2; }
die() { printf '\nbench: FAILED: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  say "Installing $* from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

command -v wrk >/dev/null 2>&1 || apt_install wrk
if [ -n "$TRACE" ]; then
  export PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-trace >/dev/null 2>&1 || dotnet tool install -g dotnet-trace >/dev/null || die "could not install dotnet-trace"
fi
command -v curl >/dev/null 2>&1 || apt_install curl
if [ -n "$NODES" ]; then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
fi
TMP="$ROOT/.tmp/bench"
DATA="$TMP/data/$PROVIDER-$SIZE"
LOGS="$TMP/logs"
mkdir -p "$DATA" "$LOGS" "$ROOT/bench/results"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

say "Building Release"
dotnet build "$ROOT/bench/Tandem.Bench" -c Release -nologo -clp:ErrorsOnly -v:q >"$LOGS/build.log" 2>&1 \
  || { tail -30 "$LOGS/build.log"; die "the build failed"; }
APP_DIR="$ROOT/src/Tandem/bin/Release/net10.0"
SEEDER="$ROOT/bench/Tandem.Bench/bin/Release/net10.0/Tandem.Bench.dll"

# --- the database -----------------------------------------------------------------------
PG_BIN=""; PG_PID_DIR=""
pg_stop() {
  if [ -n "$PG_PID_DIR" ] && [ -f "$PG_PID_DIR/postmaster.pid" ]; then
    local run=(); [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_PID_DIR" -m fast stop >/dev/null 2>&1 || true
  fi
}
SERVER_PID=""
NODE2_PID=""; NGINX_PID=""; REDIS_PID=""
cleanup() {
  for pid in "$NGINX_PID" "$NODE2_PID" "$REDIS_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  pg_stop
}
trap cleanup EXIT

DB_ARGS=()
if [ "$PROVIDER" = postgres ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PG_BIN" ]; then apt_install postgresql; PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    run=(runuser -u postgres --)
    chmod a+x "$ROOT" "$ROOT/.tmp" "$TMP" "$TMP/data" 2>/dev/null || true
    chown postgres "$DATA"
  fi
  PG_PID_DIR="$DATA/pgdata"
  if [ ! -f "$PG_PID_DIR/PG_VERSION" ]; then
    rm -f "$DATA/seeded"
    "${run[@]}" "$PG_BIN/initdb" -D "$PG_PID_DIR" -U postgres --auth=trust -E UTF8 --no-sync >"$LOGS/initdb.log" 2>&1 \
      || { cat "$LOGS/initdb.log"; die "initdb failed"; }
  fi
  say "Starting PostgreSQL on 127.0.0.1:$PGPORT ($PG_BIN)"
  # Durable settings (fsync and synchronous_commit on), as a production server would run.
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_PID_DIR" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $DATA -c max_connections=300 -c shared_buffers=512MB" start >/dev/null \
    || { tail -20 "$DATA/server.log"; die "PostgreSQL did not start"; }
  PG_CS="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Maximum Pool Size=100"
  psql_do() { psql_in postgres "$1"; }
  psql_in() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -c "$2" >/dev/null; }
  # As in production (docs/operations.md): the app works through a runtime role, held to row-level
  # security; the owner (here the superuser that seeded) migrates and grants.
  psql_do "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tandem_app') THEN CREATE ROLE tandem_app LOGIN; END IF; END \$\$"
  APP_CS="Host=127.0.0.1;Port=$PGPORT;Username=tandem_app;Maximum Pool Size=100"
  SEED_ARGS=(--Database:Provider=Postgres "--ConnectionStrings:Postgres=$PG_CS;Database=tandem_seed")
  DB_ARGS=(--Database:Provider=Postgres "--ConnectionStrings:Postgres=$APP_CS;Database=tandem_run" "--ConnectionStrings:Migrations=$PG_CS;Database=tandem_run")
else
  SEED_ARGS=(--Database:Provider=Sqlite "--Database:SqlitePath=$DATA/seed.db")
  DB_ARGS=(--Database:Provider=Sqlite "--Database:SqlitePath=$DATA/run.db")
fi
# The audit chain key (docs/operations.md, "The audit chain"): Production needs one; kept with the cached data set.
AUDIT_KEY="$DATA/audit.key"
[ -s "$AUDIT_KEY" ] || ( umask 077; head -c 32 /dev/urandom | base64 >"$AUDIT_KEY" )
SEED_ARGS+=("--Audit:ChainKeyFile=$AUDIT_KEY")
DB_ARGS+=("--Audit:ChainKeyFile=$AUDIT_KEY")

SEED_NOTE="reused the cached data set"
if [ ! -f "$DATA/seeded" ] || { [ "$PROVIDER" = sqlite ] && [ ! -f "$DATA/seed.db" ]; }; then
  if [ "$PROVIDER" = sqlite ]; then rm -f "$DATA"/seed.db*; else psql_do "DROP DATABASE IF EXISTS tandem_seed"; psql_do "CREATE DATABASE tandem_seed"; fi
  say "Seeding the $SIZE data set on $PROVIDER"
  dotnet "$SEEDER" --size "$SIZE" "${SEED_ARGS[@]}" --Tandem:DataFolder="$DATA" 2>&1 | grep --line-buffered -v 'PRAGMA foreign_keys\|from migration' | tee "$LOGS/seed-$PROVIDER-$SIZE.log" >&2
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "seeding failed (see $LOGS/seed-$PROVIDER-$SIZE.log)"
  grep '^Seeded' "$LOGS/seed-$PROVIDER-$SIZE.log" >"$DATA/seeded"
  SEED_NOTE="seeded in this run"
fi
SEED_LINE=$(cat "$DATA/seeded")
# Every run starts from the same pristine copy: the writes of one run never reach the next.
if [ "$PROVIDER" = sqlite ]; then
  rm -f "$DATA"/run.db*
  cp "$DATA/seed.db" "$DATA/run.db"; [ -f "$DATA/seed.db-wal" ] && cp "$DATA/seed.db-wal" "$DATA/run.db-wal"
else
  psql_do "DROP DATABASE IF EXISTS tandem_run"; psql_do "CREATE DATABASE tandem_run TEMPLATE tandem_seed"
fi

# An upgrade's step: a cached data set from an older version gets this version's migrations (and the grants).
( cd "$APP_DIR" && dotnet Tandem.dll migrate --environment Production "${DB_ARGS[@]}" --Tandem:DataFolder="$DATA" --Serilog:MinimumLevel:Default=Warning ) \
  >"$LOGS/migrate-$PROVIDER-$SIZE.log" 2>&1 || { cat "$LOGS/migrate-$PROVIDER-$SIZE.log"; die "migrate failed"; }
# The planner's statistics as a database in service has them (autovacuum keeps them current there): the copy starts
# with whatever the seed's last autovacuum happened to see, which made plans, and so figures, differ from run to run.
if [ "$PROVIDER" = postgres ]; then
  psql_in tandem_run "ANALYZE" || die "ANALYZE failed"
fi

# --- the server ---------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
NODE_ARGS=()
if [ -n "$NODES" ]; then
  REDIS_PORT=$(free_port)
  say "Starting a throwaway Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$TMP" >"$LOGS/redis.log" 2>&1 &
  REDIS_PID=$!
  NODE_ARGS=(--Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:Prefix="bench$$")
fi
start_node() { # port log
  ( cd "$APP_DIR" && exec dotnet Tandem.dll --urls "http://127.0.0.1:$1" --environment Production "${DB_ARGS[@]}" "${NODE_ARGS[@]}" \
      --Tandem:DataFolder="$DATA" --Tandem:PublicUrl="http://127.0.0.1:$1" --Bench:Enabled=true --Demo:Seed=false --Security:RequireHttps=false \
      --Mail:Transport=Folder --Security:SignInPermitLimit=100000 --Serilog:MinimumLevel:Default=Warning \
      --Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Warning ) >"$2" 2>&1 &
}
wait_node() { # port pid log
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -30 "$3"; die "Tandem exited at start"; }
    sleep 0.5
  done
  die "Tandem did not answer /health"
}
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
say "Starting Tandem (Release, Production) at $BASE"
start_node "$PORT" "$LOGS/server-$PROVIDER-$SIZE.log"
SERVER_PID=$!
wait_node "$PORT" "$SERVER_PID" "$LOGS/server-$PROVIDER-$SIZE.log"
if [ -n "$NODES" ]; then
  UPSTREAMS="server 127.0.0.1:$PORT;"
  if [ "$NODES" = 2 ]; then
    PORT2=$(free_port)
    say "Starting the second node at http://127.0.0.1:$PORT2"
    start_node "$PORT2" "$LOGS/server2-$PROVIDER-$SIZE.log"
    NODE2_PID=$!
    wait_node "$PORT2" "$NODE2_PID" "$LOGS/server2-$PROVIDER-$SIZE.log"
    UPSTREAMS="$UPSTREAMS server 127.0.0.1:$PORT2;"
  fi
  PROXY_PORT=$(free_port)
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $LOGS/nginx-error.log warn;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi; uwsgi_temp_path $TMP/nginx/uwsgi; scgi_temp_path $TMP/nginx/scgi;
  upstream tandem_nodes { $UPSTREAMS keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://tandem_nodes;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
NGINX
  say "nginx at http://127.0.0.1:$PROXY_PORT in front of $NODES node(s) (round robin: the bench's API clients carry bearer tokens)"
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$LOGS/nginx.log" 2>&1 &
  NGINX_PID=$!
  BASE="http://127.0.0.1:$PROXY_PORT"
  for _ in $(seq 1 50); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "$BASE/health" >/dev/null || { cat "$LOGS/nginx.log" "$LOGS/nginx-error.log" 2>/dev/null; die "nginx did not answer"; }
fi

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
login() {
  curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"Bench-password-2026!\"}" | json 'd["accessToken"]' \
    || die "could not sign in as $1"
}
CLIENT_TOKEN=$(login client0@bench.test)
THERAPIST_TOKEN=$(login therapist0@bench.test)
ADMIN_TOKEN=$(login admin0@bench.test)
ENGAGEMENT=$(curl -fsS "$BASE/api/engagements" -H "Authorization: Bearer $CLIENT_TOKEN" | json 'd[0]["id"]')
# The export reads a record no other case touches: every read the other cases make is audited on
# their engagement, and the export carries the access log, so it would grow with the run itself.
# Not one of therapist0's clients either: the caseload and alerts cases record a read on each engagement
# they list (on the quick set client8 was one, and its export grew to 22 MB in a run). client8 on the
# small and large sets, as before; client9 on the quick set.
MINE=$(curl -fsS "$BASE/api/engagements" -H "Authorization: Bearer $THERAPIST_TOKEN" | json '" ".join(e["id"] for e in d)')
for j in $(seq 8 40); do
  EXPORT_TOKEN=$(login "client$j@bench.test")
  candidate=$(curl -fsS "$BASE/api/engagements" -H "Authorization: Bearer $EXPORT_TOKEN" | json 'd[0]["id"]')
  case " $MINE " in *" $candidate "*) ;; *) break ;; esac
done
# A session of that engagement for the session room (the seeded ones are past, with notes).
SESSION=$(curl -fsS "$BASE/api/engagements/$ENGAGEMENT/sessions" -H "Authorization: Bearer $THERAPIST_TOKEN" | json 'd[-1]["id"] if isinstance(d, list) else d["items"][-1]["id"]') \
  || die "could not find a session of $ENGAGEMENT"
EXPORT_ENGAGEMENT=$(curl -fsS "$BASE/api/engagements" -H "Authorization: Bearer $EXPORT_TOKEN" | json 'd[0]["id"]')

# Writes rotate over 8 clients, each in their own engagement.
WRITE_TARGETS="$TMP/targets-submit.txt"; BARE_TARGETS="$TMP/targets-bare.txt"; AUDITED_TARGETS="$TMP/targets-bare-audited.txt"
: >"$WRITE_TARGETS"; : >"$BARE_TARGETS"; : >"$AUDITED_TARGETS"
for j in $(seq 0 7); do
  if [ "$j" = 0 ]; then token=$CLIENT_TOKEN; else token=$(login "client$j@bench.test"); fi
  eng=$(curl -fsS "$BASE/api/engagements" -H "Authorization: Bearer $token" | json 'd[0]["id"]')
  echo "POST /api/engagements/$eng/responses $token" >>"$WRITE_TARGETS"
  echo "POST /bench/write/$eng $token" >>"$BARE_TARGETS"
  echo "POST /bench/write-audited/$eng $token" >>"$AUDITED_TARGETS"
done
SUBMIT_BODY="$TMP/submit-phq9.json"
python3 - >"$SUBMIT_BODY" <<'PY'
import json
items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3"]
answers = [{"linkId": i, "value": 1} for i in items] + [{"linkId": "44260-8", "value": 0}]
print(json.dumps({"instrumentId": "phq-9", "answers": answers}))
PY
EMPTY_BODY="$TMP/empty.json"; echo '{}' >"$EMPTY_BODY"

# --- the cases ----------------------------------------------------------------------------
# name | method path | token | body file | targets file | connections (default 64)
CASES=(
  "B0 plain text|GET /bench/plain|||"
  "B1 sign-in page|GET /Account/Login|||"
  "D client home|GET /|$CLIENT_TOKEN||"
  "D caseload (therapist home)|GET /|$THERAPIST_TOKEN||"
  # The pages people open all day (issue 25), each as the person who opens it.
  "P engagement hub (therapist)|GET /engagements/$ENGAGEMENT|$THERAPIST_TOKEN||"
  # The plan board is not prerendered (it loads over its live circuit, so a view is read and audited once): the first
  # case is the page around it, the second what the circuit reads when the board loads (the same three use cases, as
  # one request, in JSON instead of a render diff). A person opening the board pays both.
  "P plan board page (therapist)|GET /engagements/$ENGAGEMENT/plan|$THERAPIST_TOKEN||"
  "P plan board load over its circuit (therapist)|GET /bench/plan-board/$ENGAGEMENT|$THERAPIST_TOKEN||"
  "P session room (therapist)|GET /sessions/$SESSION|$THERAPIST_TOKEN||"
  "P conversation (client)|GET /engagements/$ENGAGEMENT/messages|$CLIENT_TOKEN||"
  "P progress page (therapist)|GET /engagements/$ENGAGEMENT/progress|$THERAPIST_TOKEN||"
  "P access log (client)|GET /engagements/$ENGAGEMENT/access-log|$CLIENT_TOKEN||"
  "P alerts page (therapist)|GET /alerts|$THERAPIST_TOKEN||"
  "Progress API|GET /api/engagements/$ENGAGEMENT/progress|$THERAPIST_TOKEN||"
  "Response submit (write+score+audit)|POST multi||$SUBMIT_BODY|$WRITE_TARGETS"
  "Bare write (no audit, bench only)|POST multi||$EMPTY_BODY|$BARE_TARGETS"
  "Bare write + audit entry (bench only)|POST multi||$EMPTY_BODY|$AUDITED_TARGETS"
  # The same two writes one at a time: the latency difference is what the audit insert costs a write, without queueing.
  "Bare write, 1 connection|POST multi||$EMPTY_BODY|$BARE_TARGETS|1"
  "Bare write + audit entry, 1 connection|POST multi||$EMPTY_BODY|$AUDITED_TARGETS|1"
  # A whole record per request: its goal is a latency (200 ms), measured with one connection per core.
  "FHIR export (one client, 2 connections)|GET /api/engagements/$EXPORT_ENGAGEMENT/export/fhir|$EXPORT_TOKEN|||2"
  # The whole practice's last 12 months, aggregated in the database (an admin's report, not a hot path).
  "Practice outcome report (admin, 2 connections)|GET /api/practice/outcomes|$ADMIN_TOKEN|||2"
  "Practice outcome report (therapist's caseload, 2 connections)|GET /api/practice/outcomes|$THERAPIST_TOKEN|||2"
)
if [ -n "$ONLY" ]; then
  SELECTED=()
  for c in "${CASES[@]}"; do name=${c%%|*}; { [ "${name:0:3}" = "B0 " ] || [ "${name:0:3}" = "B1 " ] || grep -Eq -- "$ONLY" <<<"$name"; } && SELECTED+=("$c"); done
  CASES=("${SELECTED[@]}")
fi
# Every daily page again with one connection: one person alone must see p99 under 25 ms.
PAGES=()
for c in "${CASES[@]}"; do [ "${c:0:2}" = "P " ] || [ "${c:0:2}" = "D " ] && PAGES+=("${c%%|*}"); done
# Each right after its case, before the write cases add responses and messages to the same engagement.
WITH_ALONE=()
for c in "${CASES[@]}"; do
  WITH_ALONE+=("$c")
  name=${c%%|*}
  for pg in "${PAGES[@]}"; do [ "$pg" = "$name" ] && WITH_ALONE+=("$name, 1 connection|${c#*|}|1"); done
done
CASES=("${WITH_ALONE[@]}")
NOT_BUILT=()
# Endpoints that later features add; probed so the harness picks them up when they exist.
PROBES=()

run_wrk() { # seconds name spec token body targets [connections]
  local seconds=$1 spec=$3 token=$4 body=$5 targets=$6 conns=${7:-$CONNECTIONS}
  local method=${spec%% *} path=${spec#* } threads=$THREADS
  [ "$conns" -lt "$threads" ] && threads=$conns
  [ "$path" = multi ] && path=/
  BENCH_TOKEN="$token" BENCH_BODY="$body" BENCH_TARGETS="$targets" BENCH_METHOD="$method" \
    wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s -s "$ROOT/bench/wrk/count.lua" "$BASE$path" 2>>"$LOGS/wrk-errors.log"
}

peak_rss() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }
declare -A RPS P50 P99 BAD SOCK HWM STARTED
FAILED=()
# A server in service has long since compiled its hot code to the optimised tier; a fresh one compiles it in the
# background, on the same two cores the load is using. Under 64 connections that took a minute for one page (the access
# log, one client: 140 req/s in its first 15 s, 480 req/s from the 45th second on, same build, same data), so a case's own
# 5 s warm-up measured half-compiled code, and more so for the cases early in the run (B1 among them). So, first, every
# reading case a few times over at a few connections, which leaves the compiler the CPU it needs; then a pause for its
# queue to drain. Writes are left out: they warm up in their own case, and would grow the data the pages read.
say "Warm-up pass: every reading case ${WARM_ROUNDS:=2} times, ${WARM_SECONDS:=3} s each at 4 connections"
for round in $(seq 1 "$WARM_ROUNDS"); do
  for c in "${CASES[@]}"; do
    IFS='|' read -r name spec token body targets conns <<<"$c"
    [ "${spec%% *}" = GET ] && [ -z "$conns" ] || continue
    run_wrk "$WARM_SECONDS" "$name" "$spec" "$token" "$body" "$targets" 4 >/dev/null || true
  done
done
sleep 5
WARM_PEAK=$(peak_rss)
say "Server peak memory after the warm-up pass: $WARM_PEAK MiB"
say "Warm-up ($WARMUP s per case) and measurement ($DURATION s per case, $CONNECTIONS connections, $THREADS wrk threads)"
for c in "${CASES[@]}"; do
  IFS='|' read -r name spec token body targets conns <<<"$c"
  run_wrk "$WARMUP" "$name" "$spec" "$token" "$body" "$targets" "$conns" >/dev/null || true
  # The run adds in seconds the audit entries a practice writes in weeks (thousands on one engagement). In service,
  # autovacuum re-reads the audit trail's statistics after every 10,000 entries (migration AuditEntriesFreshStatistics),
  # long before one engagement grows like that; here the planner is told before each measurement, as it would know.
  if [ "$PROVIDER" = postgres ]; then
    psql_in tandem_run 'ANALYZE "AuditEntries"' || true
  fi
  TRACE_PID=""
  if [ -n "$TRACE" ] && [ -z "$conns" ]; then
    slug=$(tr -c 'a-zA-Z0-9\n' '-' <<<"$name" | tr -s '-' | tr 'A-Z' 'a-z')
    dotnet-trace collect -p "$SERVER_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' "$DURATION")" \
      -o "$LOGS/trace-$slug.nettrace" >"$LOGS/trace-$slug.log" 2>&1 &
    TRACE_PID=$!
  fi
  # When each measurement started (UTC), to line a case up with the database's own log (checkpoints, autovacuum).
  STARTED[$name]=$(date -u +%H:%M:%S)
  out=$(run_wrk "$DURATION" "$name" "$spec" "$token" "$body" "$targets" "$conns") || die "wrk failed on $name"
  if [ -n "$TRACE_PID" ]; then
    wait "$TRACE_PID" || true
    { dotnet-trace report "$LOGS/trace-$slug.nettrace" topN -n 40 --inclusive; dotnet-trace report "$LOGS/trace-$slug.nettrace" topN -n 40; } \
      >"$LOGS/trace-$slug.txt" 2>&1 || true
  fi
  read -r _ rps p50 p99 bad sock total <<<"$(grep '^RESULT' <<<"$out")"
  RPS[$name]=$rps; P50[$name]=$p50; P99[$name]=$p99; BAD[$name]=$bad; SOCK[$name]=$sock; HWM[$name]=$(peak_rss)
  printf '   %-38s %9s req/s  p50 %8s ms  p99 %8s ms  non-2xx %s  socket %s  peak %s MiB  at %s\n' "$name" "$rps" "$p50" "$p99" "$bad" "$sock" "${HWM[$name]}" "${STARTED[$name]}" >&2
  if [ "$bad" != 0 ] || [ "$sock" != 0 ]; then FAILED+=("$name: $bad non-2xx, $sock socket errors of $total"); fi
  # No answer at all within the run is a failure too, not a throughput of zero.
  if [ "${total:-0}" = 0 ]; then FAILED+=("$name: no request completed in ${DURATION} s"); fi
done
for i in "${!PROBES[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE${PROBES[$i]}" -H "Authorization: Bearer $THERAPIST_TOKEN")
  [ "$code" = 404 ] || [ "$code" = 405 ] || echo "   note: ${PROBES[$i]} answers $code; add it to CASES" >&2
done
PEAK=$(peak_rss)
kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
say "Verifying the audit chain the run wrote"
if ( cd "$APP_DIR" && dotnet Tandem.dll verify-audit --environment Production "${DB_ARGS[@]}" --Tandem:DataFolder="$DATA" --Serilog:MinimumLevel:Default=Warning ) >"$LOGS/verify-audit.log" 2>&1; then
  AUDIT_NOTE="audit chain verified after the run ($(grep -v 'PRAGMA\|from migration\|WRN' "$LOGS/verify-audit.log" | tail -1))"
else
  tail -5 "$LOGS/verify-audit.log" >&2; FAILED+=("verify-audit failed after the run (see $LOGS/verify-audit.log)"); AUDIT_NOTE="audit chain did NOT verify"
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.3g}' if b else 'n/a')" "$1" "$2"; }
sub() { python3 -c "import sys; print(f'{float(sys.argv[1])-float(sys.argv[2]):+.1f}')" "$1" "$2"; }
B0="B0 plain text"; B1="B1 sign-in page"; DC="D client home"; DT="D caseload (therapist home)"
SUB="Response submit (write+score+audit)"; BARE="Bare write (no audit, bench only)"; AUDITED="Bare write + audit entry (bench only)"; BARE1="Bare write, 1 connection"; AUDITED1="Bare write + audit entry, 1 connection"
# The goal of every daily page, from this run's B0 and B1 (also printed as it stands, for a reviewer's --quick check).
goal_rows() {
  echo "| Page | / B1 throughput | / B0 throughput | p99 / B1 p99 | p99 alone (ms) | Goal |"
  echo "|---|---:|---:|---:|---:|---|"
  for pg in "${PAGES[@]}"; do
    python3 - "$pg" "${RPS[$pg]}" "${P99[$pg]}" "${P99[$pg, 1 connection]:-}" "${RPS[$B1]}" "${P99[$B1]}" "${RPS[$B0]}" <<'PY'
import sys
name, rps, p99, alone, b1, b1p99, b0 = sys.argv[1:8]
rps, p99, b1, b1p99, b0 = map(float, (rps, p99, b1, b1p99, b0))
alone = float(alone) if alone else None
misses = []
if rps / b1 < 0.6: misses.append("throughput")
if p99 / b1p99 > 1.5: misses.append("p99")
if alone is None or alone >= 25: misses.append("p99 alone")
verdict = "holds" if not misses else "NOT met (" + ", ".join(misses) + ")"
print(f"| {name} | {rps/b1:.3g} | {rps/b0:.3g} | {p99/b1p99:.3g} | {alone if alone is not None else 'n/a'} | {verdict} |")
PY
  done
}
GOALS=$(goal_rows)
say "Goals (issue 25): each daily page >= 0.6 of B1's throughput, p99 <= 1.5x B1's, p99 alone < 25 ms"
echo "$GOALS" | tail -n +3 | sed 's/^| /   /; s/ |$//' >&2
if [ -n "$ONLY" ]; then
  [ ${#FAILED[@]} -gt 0 ] && die "requests errored (${FAILED[*]})"
  say "Peak memory $(printf '%s' "$PEAK") MiB; $AUDIT_NOTE. Only some cases ran (--cases): no results file written."
  exit 0
fi
DATE=$(date -u +%Y-%m-%d)
OUT="$ROOT/bench/results/$DATE-$PROVIDER-$SIZE${NODES:+-${NODES}nodes}.md"
[ ${#FAILED[@]} -gt 0 ] && OUT="$TMP/FAILED-$DATE-$PROVIDER-$SIZE.md"
SUMMARY="$TMP/last-$PROVIDER-$SIZE.tsv"
OTHER=""; [ "$SIZE" = large ] && OTHER="$TMP/last-$PROVIDER-small.tsv"; [ "$SIZE" = small ] && OTHER="$TMP/last-$PROVIDER-large.tsv"

{
  echo "# Tandem benchmark: $PROVIDER, $SIZE data set ($DATE)"
  echo
  echo "Command: \`bench/run.sh --$([ "$SIZE" = large ] && echo full || echo "$SIZE") --provider $PROVIDER\` at commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`$(git -C "$ROOT" diff --quiet HEAD -- src bench ':!bench/results' 2>/dev/null || echo ' (with uncommitted changes)')."
  echo
  echo "## Machine"
  echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- OS: $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r); .NET $(dotnet --version); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- Load average (1/5/15 min) at start: $LOAD_START; at end: $LOAD_END. Other work shares these cores: compare ratios, not absolutes."
  echo
  echo "## Data set"
  echo "- $SEED_LINE ($SEED_NOTE)"
  echo "- Server: Tandem Release, Production environment, Kestrel on 127.0.0.1, Bench:Enabled=true; $PROVIDER$([ "$PROVIDER" = sqlite ] && echo ' (WAL, synchronous=FULL)' || echo ' 15 (fsync on)')"
  [ -n "$NODES" ] && echo "- Nodes: $NODES, behind nginx (round robin, keep-alive), sharing one PostgreSQL and one Redis (Redis:Configuration set); every case goes through nginx"
  echo "- wrk: $CONNECTIONS connections, $THREADS threads, ${WARMUP} s warm-up then ${DURATION} s per case"
  echo
  echo "## Results"
  echo
  echo "| Case | Requests/s | p50 (ms) | p99 (ms) | Non-2xx | Socket errors | Server peak after (MiB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for c in "${CASES[@]}"; do
    name=${c%%|*}
    echo "| $name | ${RPS[$name]} | ${P50[$name]} | ${P99[$name]} | ${BAD[$name]} | ${SOCK[$name]} | ${HWM[$name]} |"
  done
  for n in "${NOT_BUILT[@]}"; do echo "| $n | not built yet | | | | | |"; done
  echo
  echo "## Ratios"
  echo "- Client home / B1 throughput: $(ratio "${RPS[$DC]}" "${RPS[$B1]}"); / B0: $(ratio "${RPS[$DC]}" "${RPS[$B0]}")"
  echo "- Caseload / B1 throughput: $(ratio "${RPS[$DT]}" "${RPS[$B1]}"); / B0: $(ratio "${RPS[$DT]}" "${RPS[$B0]}")"
  echo "- Client home p99 / B1 p99: $(ratio "${P99[$DC]}" "${P99[$B1]}"); caseload p99 / B1 p99: $(ratio "${P99[$DT]}" "${P99[$B1]}")"
  echo "- Response submit vs bare write: $(ratio "${RPS[$SUB]}" "${RPS[$BARE]}")x the throughput; p50 $(sub "${P50[$SUB]}" "${P50[$BARE]}") ms, p99 $(sub "${P99[$SUB]}" "${P99[$BARE]}") ms."
  echo "  The bare write stores the same response row and score row with no access check, validation, scoring or audit entry,"
  echo "  so the difference is the upper bound of what audit (plus access, validation and scoring) adds to a write."
  echo "- The audit insert alone (the same bare write plus its chained audit entry, same transaction): $(ratio "${RPS[$AUDITED]}" "${RPS[$BARE]}")x the bare write's throughput at $CONNECTIONS connections (p50 $(sub "${P50[$AUDITED]}" "${P50[$BARE]}") ms, p99 $(sub "${P99[$AUDITED]}" "${P99[$BARE]}") ms, mostly queueing for the single writer);"
  echo "  one write at a time it adds $(sub "${P50[$AUDITED1]}" "${P50[$BARE1]}") ms at p50 (${P50[$BARE1]} -> ${P50[$AUDITED1]} ms) and $(sub "${P99[$AUDITED1]}" "${P99[$BARE1]}") ms at p99."
  if [ -n "$OTHER" ] && [ -f "$OTHER" ]; then
    echo "- p99 large/small (from $(basename "$OTHER") of an earlier run):"
    while IFS=$'\t' read -r name rps p50 p99; do
      [ -n "${P99[$name]:-}" ] || continue
      if [ "$SIZE" = large ]; then echo "  - $name: $(ratio "${P99[$name]}" "$p99")"; else echo "  - $name: $(ratio "$p99" "${P99[$name]}")"; fi
    done <"$OTHER"
  else
    echo "- p99 large/small: run both --small and --full on $PROVIDER to see it."
  fi
  echo "- Server peak memory (VmHWM): $PEAK MiB; $WARM_PEAK MiB after the warm-up pass, then as in the last column of the results (goal: under 400 MiB: $([ "${PEAK:-0}" -lt 400 ] && echo holds || echo 'NOT met'))"
  echo "- $AUDIT_NOTE"
  echo
  echo "## Goals (issue 25)"
  echo
  echo "Each page a person opens daily: throughput at least 0.6 of B1's and p99 at most 1.5x B1's p99 (64 connections, same run);"
  echo "one connection alone: p99 under 25 ms. Ratios to B0 show how far each is from this stack's physical limit."
  echo
  echo "$GOALS"
  if [ ${#FAILED[@]} -gt 0 ]; then echo; echo "## FAILED"; printf -- '- %s\n' "${FAILED[@]}"; fi
} >"$OUT"

if [ ${#FAILED[@]} -gt 0 ]; then
  cat "$OUT"
  echo "First non-2xx statuses: $(sort "$LOGS/wrk-errors.log" | uniq -c | head -5 | tr '\n' ' ')" >&2
  die "requests errored (${FAILED[*]}); no results file written (see $OUT and $LOGS/server-$PROVIDER-$SIZE.log)"
fi
for c in "${CASES[@]}"; do name=${c%%|*}; printf '%s\t%s\t%s\t%s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done >"$SUMMARY"
cat "$OUT"
say "Results written to ${OUT#$ROOT/}"
