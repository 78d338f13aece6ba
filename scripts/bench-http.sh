#!/usr/bin/env bash
# HTTP throughput of the service, measured from outside with wrk on loopback, each endpoint next to
# the same process's /healthz in the same run, and /healthz next to a bare Hummingbird route
# (Sources/bench-bare). Release build. Prints one markdown table per data set.
#
#   scripts/bench-http.sh [demo] [100k]      (default: both)
#
# Environment: BENCH_SECONDS (30 s per wrk run), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_PORT (8090; the bare route listens on the next port), BENCH_DATA (.pledgematch/bench-http:
# one cluster per data set, kept between runs), SKIP_BUILD=1 to use the release binaries as they are,
# BENCH_BIN (.build/release/pledgematch) to measure another build of the service.
# The 100k set is the database `pledgematch bench match` generates (100,000 firms, 1,000,000 IP
# assets; a few minutes and a few GiB the first time), plus consents for two firms in three, as the
# demo data has them, so a bank officer's candidates are scoped by consent as in production.
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_postgres
apt_install wrk curl

seconds="${BENCH_SECONDS:-30}"
conns="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
port="${BENCH_PORT:-8090}"
bare_port=$((port + 1))
data="$(mkdir -p "${BENCH_DATA:-.pledgematch/bench-http}" && cd "${BENCH_DATA:-.pledgematch/bench-http}" && pwd)"
chmod 755 "$data"
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=(demo 100k)
bin="${BENCH_BIN:-.build/release/pledgematch}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

if [ "${SKIP_BUILD:-}" != 1 ]; then
    swift build -c release --product pledgematch
    swift build -c release --product bench-bare
fi

server_pid=""
bare_pid=""
started_cluster=""
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
    [ -n "$bare_pid" ] && { kill "$bare_pid" 2>/dev/null; wait "$bare_pid" 2>/dev/null || true; }
    [ -n "$started_cluster" ] && pg_ctl_as_owner "$started_cluster" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# psql on the embedded cluster of folder $1, database $2.
sql() { as_postgres "$pgbin/psql" -h "$1" -p 5432 -U postgres -d "$2" -v ON_ERROR_STOP=1 -tAc "$3"; }
rss_mib() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

wait_ready() {
    for _ in $(seq 1 600); do
        # /readyz answers while the matching index builds; the engine's endpoints wait for "ready".
        curl -fs "http://127.0.0.1:$1/readyz" 2>/dev/null | grep -q '"matchIndex":"ready"' && return 0
        curl -fs "http://127.0.0.1:$1/hello" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { echo "the server exited; see $3" >&2; exit 1; }
        sleep 1
    done
    echo "not ready after 10 minutes" >&2; exit 1
}

# One wrk run: prints "req/s|p99 ms|errors" (errors: socket errors plus non-2xx answers).
run_wrk() {
    local url=$1; shift
    local out
    out=$(wrk -t "$threads" -c "$conns" -d "${seconds}s" --latency "$@" "$url")
    echo "$out" | awk '
        /Requests\/sec/ { rps = $2 }
        /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
                   else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 } }
        /Socket errors/ { gsub(/,/, ""); errs += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx/ { errs += $5 }
        END { printf "%.0f|%.1f|%d\n", rps, p99, errs }'
}

# An endpoint and /healthz of the same process, one after the other.
pair() {
    local label=$1 path=$2 token=$3
    local a b
    a=$(run_wrk "http://127.0.0.1:$port$path" -H "Authorization: Bearer $token")
    b=$(run_wrk "http://127.0.0.1:$port/healthz")
    IFS='|' read -r rps p99 err <<< "$a"
    IFS='|' read -r hrps hp99 herr <<< "$b"
    printf '| %s | %s | %s | %s | %s | %s | %s | %d%% |\n' "$label" "$rps" "$p99" "$err" "$hrps" "$hp99" "$herr" \
        "$(( hrps > 0 ? 100 * rps / hrps : 0 ))"
}

# A firm's matches with a different firm each request (ids 1 to $1): the answers the service keeps
# (AnswerCache) serve a repeated question, so the fixed-firm row measures a kept answer and this
# one, at 100,000 firms, nearly always a fresh one.
random_firms_pair() {
    local firms=$1 token=$2 script a b
    script=$(mktemp --suffix .lua)
    cat > "$script" <<LUA
request = function()
  return wrk.format("GET", "/firms/" .. math.random(1, $firms) .. "/matches")
end
LUA
    a=$(run_wrk "http://127.0.0.1:$port/" -H "Authorization: Bearer $token" -s "$script")
    b=$(run_wrk "http://127.0.0.1:$port/healthz")
    rm -f "$script"
    IFS='|' read -r rps p99 err <<< "$a"
    IFS='|' read -r hrps hp99 herr <<< "$b"
    printf '| %s | %s | %s | %s | %s | %s | %s | %d%% |\n' "\`GET /firms/{random 1…$firms}/matches\` (operations)" "$rps" "$p99" "$err" \
        "$hrps" "$hp99" "$herr" "$(( hrps > 0 ? 100 * rps / hrps : 0 ))"
}

# The bare route and the service's /healthz, one after the other.
bare_pair() {
    local a b
    b=$(run_wrk "http://127.0.0.1:$bare_port/hello")
    a=$(run_wrk "http://127.0.0.1:$port/healthz")
    IFS='|' read -r rps p99 err <<< "$a"
    IFS='|' read -r brps bp99 berr <<< "$b"
    printf '| `/healthz` next to the bare route | %s | %s | %s | %s | %s | %s | %d%% |\n' "$rps" "$p99" "$err" "$brps" "$bp99" "$berr" \
        "$(( brps > 0 ? 100 * rps / brps : 0 ))"
}

# A firm's kept matches next to the bare route answering a body of the same size: the framework's
# own ceiling for an answer that large.
bytes_pair() {
    local size a b
    size=$(curl -fs -H "Authorization: Bearer $ops_token" "http://127.0.0.1:$port/firms/$firm/matches" | wc -c)
    b=$(run_wrk "http://127.0.0.1:$bare_port/bytes/$size")
    a=$(run_wrk "http://127.0.0.1:$port/firms/$firm/matches" -H "Authorization: Bearer $ops_token")
    IFS='|' read -r rps p99 err <<< "$a"
    IFS='|' read -r brps bp99 berr <<< "$b"
    printf '| `GET /firms/%s/matches` (kept, %s bytes) next to the bare route answering as many | %s | %s | %s | %s | %s | %s | %d%% |\n' \
        "$firm" "$size" "$rps" "$p99" "$err" "$brps" "$bp99" "$berr" "$(( brps > 0 ? 100 * rps / brps : 0 ))"
}

# Serves one data set: sets server_pid, ops_token, bank_token, product, firm.
serve_demo() {
    local dir="$data/demo"
    if [ ! -f "$dir/PG_VERSION" ]; then "$bin" seed --demo --data-dir "$dir" --log-level warning >/dev/null; fi
    ops_token=$("$bin" token create --login demo-ops --name bench-http --days 1 --data-dir "$dir" --log-level warning)
    bank_token=$("$bin" token create --login demo-bank --name bench-http --days 1 --data-dir "$dir" --log-level warning)
    "$bin" serve --port "$port" --data-dir "$dir" --log-level info > "$data/demo-server.log" 2>&1 &
    server_pid=$!
    wait_ready "$port" "$server_pid" "$data/demo-server.log"
    product=$(sql "$dir" pledgematch "SELECT min(id) FROM loan_products WHERE bank_id = (SELECT bank_id FROM users WHERE login = 'demo-bank')")
    firm=2
    firms=$(sql "$dir" pledgematch "SELECT max(id) FROM firms")
}

serve_100k() {
    local dir="$data/pg100k"
    # Generated once (and measured) by the engine's benchmark; later runs reuse the cluster.
    [ -f "$dir/PG_VERSION" ] || "$bin" bench match --data-dir "$dir" --samples 20 --log-level warning
    if ! pg_ctl_as_owner "$dir" status >/dev/null 2>&1; then
        pg_ctl_as_owner "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses='' -k $dir -p 5432 -c fsync=on -c max_connections=300" start >/dev/null
        started_cluster="$dir"
    fi
    export DATABASE_URL="postgres://postgres@localhost:5432/pledgematch_bench?host=$dir"
    for who in "bench-ops operations" "bench-bank bank_officer --bank-id 1"; do
        set -- $who
        [ "$(sql "$dir" pledgematch_bench "SELECT count(*) FROM users WHERE login = '$1'")" = 1 ] ||
            "$bin" user add --login "$1" --name "$1" --role "$2" "${@:3}" --no-password --log-level warning >/dev/null
    done
    # Consent as on the demo data (DemoAccess): two firms in three, to every bank.
    sql "$dir" pledgematch_bench "
        INSERT INTO firm_consents (firm_id, scope, granted_on, recorded_by)
        SELECT id, 'share_with_banks', DATE '2026-01-01', 'bench-http' FROM firms
        WHERE id % 3 <> 0 AND NOT EXISTS (SELECT 1 FROM firm_consents WHERE recorded_by = 'bench-http')" >/dev/null
    ops_token=$("$bin" token create --login bench-ops --name bench-http --days 1 --log-level warning)
    bank_token=$("$bin" token create --login bench-bank --name bench-http --days 1 --log-level warning)
    "$bin" serve --port "$port" --log-level info > "$data/100k-server.log" 2>&1 &
    server_pid=$!
    wait_ready "$port" "$server_pid" "$data/100k-server.log"
    unset DATABASE_URL
    product=$(sql "$dir" pledgematch_bench "SELECT min(id) FROM loan_products WHERE bank_id = 1")
    firm=50000
    firms=100000
}

stop_server() {
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=""
    if [ -n "$started_cluster" ]; then pg_ctl_as_owner "$started_cluster" -m fast stop >/dev/null 2>&1 || true; started_cluster=""; fi
}

.build/release/bench-bare "$bare_port" > "$data/bare.log" 2>&1 &
bare_pid=$!
wait_ready "$bare_port" "$bare_pid" "$data/bare.log"

for set in "${sets[@]}"; do
    case "$set" in
        demo) serve_demo ;;
        100k) serve_100k ;;
        *) echo "unknown data set $set (demo or 100k)" >&2; exit 2 ;;
    esac
    # Warm-up: /readyz answers before the index is built, and the first engine request waits for the
    # build; then the first requests fill the pools and caches.
    curl -fs -o /dev/null --max-time 600 -H "Authorization: Bearer $ops_token" "http://127.0.0.1:$port/firms/$firm/matches"
    wrk -t 1 -c 8 -d 3s -H "Authorization: Bearer $bank_token" "http://127.0.0.1:$port/products/$product/candidates?limit=50" >/dev/null
    wrk -t 1 -c 8 -d 3s -H "Authorization: Bearer $ops_token" "http://127.0.0.1:$port/firms/$firm/matches" >/dev/null
    rss_before=$(rss_mib "$server_pid")
    echo
    echo "### $set: wrk -t $threads -c $conns -d ${seconds}s on loopback, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| endpoint | req/s | p99 ms | errors | /healthz req/s | /healthz p99 ms | /healthz errors | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    pair "\`GET /products/$product/candidates?limit=50\` (bank officer)" "/products/$product/candidates?limit=50" "$bank_token"
    pair "\`GET /firms/$firm/matches\` (operations)" "/firms/$firm/matches" "$ops_token"
    random_firms_pair "$firms" "$ops_token"
    pair "\`GET /firms?limit=50\` (operations)" "/firms?limit=50" "$ops_token"
    pair "\`GET /reports/progress\` (operations)" "/reports/progress" "$ops_token"
    echo
    echo "| | service req/s | p99 ms | errors | bare route req/s | p99 ms | errors | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    bare_pair
    bytes_pair
    echo
    echo "Service RSS: $rss_before MiB after the warm-up, $(rss_mib "$server_pid") MiB after the runs."
    stop_server
done
