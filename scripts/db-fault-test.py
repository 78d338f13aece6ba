#!/usr/bin/env python3
"""Database fault test: stop PostgreSQL under a running service three times and show that the
service says so quickly and honestly, and serves again soon after the database is back.

Usage: db-fault-test.py BINARY DATA_DIR PORT
       DATABASE_URL=postgres://... db-fault-test.py BINARY --pg-data PGDATA PORT

Embedded (the default): starts `BINARY serve --demo --data-dir DATA_DIR --port PORT`. The embedded
cluster is DATA_DIR itself (EmbeddedPostgres: PG_VERSION and the Unix socket .s.PGSQL.5432 live in the
data folder; as root it runs as the postgres account), so the test stops it with
`pg_ctl -D DATA_DIR -m fast -w stop` and starts it again with the options the launcher uses
(`-l DATA_DIR/server.log -o "-c listen_addresses='' -k DATA_DIR -p 5432 -c fsync=on"`).
If the service brings its cluster back by itself before the test does, the test says so and
measures from that moment instead.
With DATABASE_URL and --pg-data, the service uses that database (run `BINARY migrate` first is done
here) and the test stops and starts the cluster in PGDATA with plain pg_ctl.

While the test runs, background threads read and write (GET /firms, /products, /firms/{id}; POST
/targets). Per outage (three):
- an authenticated read answers 503 application/problem+json with code `database_unavailable` and a
  Retry-After header, within 2 s (ten reads: p50 and max printed);
- a write answers the same way;
- /readyz answers 503 within 2 s;
- the service process stays up;
and at the end the service stops within 60 s of SIGTERM.
After the database is back: an authenticated read succeeds within 5 s of pg_ctl start returning (the
recovery time is printed), /readyz 200. Over the whole run the background load must never see a 500,
a dropped connection or a request over 10 s; every answer is a 2xx or a 503 problem.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglocal  # noqa: E402
from httpcheck import Answer, make_call, ready  # noqa: E402

args = sys.argv[1:]
EXTERNAL = "--pg-data" in args
if EXTERNAL:
    i = args.index("--pg-data")
    PG_DATA = os.path.abspath(args[i + 1])
    del args[i:i + 2]
if len(args) < 3 and not (EXTERNAL and len(args) >= 2):
    sys.exit(__doc__)
BINARY = args[0]
if EXTERNAL:
    DATA_DIR, PORT = None, int(args[-1])
    if not os.environ.get("DATABASE_URL"):
        sys.exit("db-fault-test: --pg-data needs DATABASE_URL")
else:
    DATA_DIR, PORT = os.path.abspath(args[1]), int(args[2])
    PG_DATA = DATA_DIR
HOST = "127.0.0.1"
CYCLES = int(os.environ.get("DB_FAULT_CYCLES", "3"))
OUTAGE_SECONDS = float(os.environ.get("DB_FAULT_OUTAGE", "4"))
PASSWORD = os.environ.get("DB_FAULT_PASSWORD", "pledgematch-demo")
failures = []


call = make_call(HOST, PORT, 10)


def pg_ctl(*argv):
    return pglocal.pg_ctl(PG_DATA, *argv)


def cluster_running():
    return pg_ctl("status").returncode == 0


def stop_cluster():
    out = pg_ctl("-m", "fast", "-w", "-t", "60", "stop")
    if out.returncode != 0:
        sys.exit(f"db-fault-test: pg_ctl stop failed: {out.stdout}{out.stderr}")


def start_cluster():
    if EXTERNAL:
        out = pg_ctl("-l", f"{PG_DATA}/server.log", "-w", "-t", "60", "start")
    else:
        out = pg_ctl("-l", f"{PG_DATA}/server.log", "-w", "-t", "60",
                     "-o", f"-c listen_addresses='' -k {PG_DATA} -p 5432 -c fsync=on", "start")
    if out.returncode != 0 and not cluster_running():
        sys.exit(f"db-fault-test: pg_ctl start failed: {out.stdout}{out.stderr}")


def start_server(log):
    argv = [BINARY, "serve", "--demo", "--port", str(PORT)]
    if not EXTERNAL:
        argv += ["--data-dir", DATA_DIR]
    else:
        subprocess.run([BINARY, "migrate"], stdout=log, stderr=subprocess.STDOUT, check=True)
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        if ready(call("GET", "/readyz", timeout=2)):
            return proc
        if proc.poll() is not None:
            sys.exit(f"db-fault-test: server exited with {proc.returncode}")
        time.sleep(0.2)
    sys.exit("db-fault-test: server did not become ready")


def login(name):
    answer = call("POST", "/auth/login", {"login": name, "password": PASSWORD})
    if answer.status != 200:
        sys.exit(f"db-fault-test: login {name}: {answer.describe()}")
    return answer.json["token"]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


class Load:
    """Reads and writes in background threads; every answer must be a 2xx or a 503 problem."""

    def __init__(self, token, firm_id):
        self.token, self.firm_id = token, firm_id
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tally, self.bad = {}, []
        self.threads = [threading.Thread(target=self.reader, args=(i,), daemon=True) for i in range(4)]
        self.threads.append(threading.Thread(target=self.writer, daemon=True))

    def note(self, what, answer):
        with self.lock:
            self.tally[answer.status] = self.tally.get(answer.status, 0) + 1
            ok = isinstance(answer.status, int) and (200 <= answer.status < 300 or
                                                     (answer.status == 503 and answer.problem))
            if not ok and len(self.bad) < 50:
                self.bad.append(f"load {what}: {answer.describe()}")
            elif not ok:
                self.bad.append(None)

    def reader(self, i):
        paths = ["/firms?limit=5", "/products?limit=5", f"/firms/{self.firm_id}", "/targets"]
        n = 0
        while not self.stop.is_set():
            path = paths[(i + n) % len(paths)]
            self.note(f"GET {path}", call("GET", path, token=self.token))
            n += 1
            time.sleep(0.02)

    def writer(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            body = {"name": f"故障测试目标{os.getpid()}-{n}-{uuid.uuid4().hex[:6]}", "baselineDate": "2025-09-22",
                    "deadline": "2030-12-31", "amountFen": 100000000, "firmCount": 10}
            self.note("POST /targets", call("POST", "/targets", body, token=self.token))
            time.sleep(0.1)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)


def check_outage_answer(what, answer, limit):
    """A 503 problem `database_unavailable` with Retry-After within `limit` seconds (or a 2xx: the
    database already came back)."""
    if isinstance(answer.status, int) and 200 <= answer.status < 300:
        return
    problems = []
    body = answer.json
    if answer.status != 503:
        problems.append("status is not 503")
    if answer.status == 503 and not answer.problem:
        problems.append("not application/problem+json")
    if answer.status == 503 and (not isinstance(body, dict) or body.get("code") != "database_unavailable"):
        problems.append("code is not database_unavailable")
    if answer.status == 503 and "retry-after" not in answer.headers:
        problems.append("no Retry-After")
    if answer.seconds > limit:
        problems.append(f"slower than {limit} s")
    if problems:
        failures.append(f"{what}: {answer.describe()}: {', '.join(problems)}")


def main():
    log = open(f"{DATA_DIR or PG_DATA}-db-fault.log", "ab")
    server = start_server(log)
    figures = []
    try:
        token = login("demo-ops")
        firms = call("GET", "/firms?limit=1", token=token).json
        firm_id = firms["items"][0]["id"]
        mode = f"DATABASE_URL, cluster {PG_DATA}" if EXTERNAL else f"embedded cluster {PG_DATA}"
        print(f"db-fault test: service on port {PORT}, {mode}; {CYCLES} outages of about {OUTAGE_SECONDS:.0f} s")
        with Load(token, firm_id) as load:
            time.sleep(1)
            for cycle in range(1, CYCLES + 1):
                stop_cluster()
                down_at = time.monotonic()
                reads = []
                for i in range(10):
                    answer = call("GET", f"/firms/{firm_id}", token=token)
                    check_outage_answer(f"cycle {cycle}: read while down", answer, 2)
                    reads.append(answer)
                write = call("POST", "/targets", {"name": f"故障期间写入{uuid.uuid4().hex[:8]}",
                                                  "baselineDate": "2025-09-22", "deadline": "2030-12-31",
                                                  "amountFen": 100000000, "firmCount": 10}, token=token)
                check_outage_answer(f"cycle {cycle}: write while down", write, 2)
                ready = call("GET", "/readyz")
                if not (ready.status == 503 and ready.seconds <= 2):
                    failures.append(f"cycle {cycle}: /readyz while down: {ready.describe()} (want 503 within 2 s)")
                # Stay down a while, then bring it back (unless the service already did).
                while time.monotonic() - down_at < OUTAGE_SECONDS:
                    if server.poll() is not None:
                        break
                    time.sleep(0.2)
                if server.poll() is not None:
                    failures.append(f"cycle {cycle}: the service exited with {server.returncode} while the database was down")
                    break
                self_restarted = cluster_running()
                if not self_restarted:
                    start_cluster()
                up_at = time.monotonic()
                recovered, last = None, None
                while time.monotonic() - up_at < 30:
                    last = call("GET", f"/firms/{firm_id}", token=token, timeout=10)
                    if last.status == 200:
                        recovered = time.monotonic() - up_at
                        break
                    time.sleep(0.1)
                ready_after = call("GET", "/readyz")
                times = [a.seconds for a in reads]
                statuses = {}
                for a in reads:
                    key = f"{a.status}/{(a.json or {}).get('code', '-') if isinstance(a.json, dict) else '-'}"
                    statuses[key] = statuses.get(key, 0) + 1
                figures.append(
                    f"cycle {cycle}: reads while down {statuses} p50 {percentile(times, 50):.3f} s max {max(times):.3f} s; "
                    f"write {write.describe()}; /readyz {ready.status} in {ready.seconds:.3f} s; "
                    f"database back ({'by the service itself' if self_restarted else 'pg_ctl start'}) -> first good read "
                    f"{'after %.2f s' % recovered if recovered is not None else 'never within 30 s'}; "
                    f"/readyz then {ready_after.status}")
                print(figures[-1])
                if recovered is None:
                    failures.append(f"cycle {cycle}: reads did not succeed within 30 s of the database's return "
                                    f"(last: {last.describe() if last else '-'})")
                elif recovered > 5:
                    failures.append(f"cycle {cycle}: reads came back {recovered:.1f} s after the database (want <= 5 s)")
                if ready_after.status != 200 and recovered is not None:
                    failures.append(f"cycle {cycle}: /readyz {ready_after.status} after reads recovered")
                time.sleep(1)
        bad = [b for b in load.bad]
        print(f"background load: {dict(sorted(load.tally.items(), key=lambda kv: str(kv[0])))}")
        for line in bad[:50]:
            if line:
                failures.append(line)
        if len(bad) > 50:
            failures.append(f"background load: {len(bad) - 50} more bad answers")
        if server.poll() is None:
            health = call("GET", "/healthz")
            if health.status != 200:
                failures.append(f"afterwards: /healthz {health.describe()}")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            asked = time.monotonic()
            try:
                server.wait(timeout=60)
                print(f"the service stopped {time.monotonic() - asked:.1f} s after SIGTERM")
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
                failures.append("the service did not stop within 60 s of SIGTERM")
        if not EXTERNAL and cluster_running():
            pg_ctl("-m", "fast", "-w", "stop")
    print()
    for line in failures:
        print("FAIL " + line)
    print(f"db-fault-test: {CYCLES} outages, {len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
