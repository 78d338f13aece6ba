#!/usr/bin/env python3
"""Concurrency test: bursts of simultaneous requests, four times the database pool, at every GET
operation each demo role may call, then concurrent writes (creations with fresh idempotency keys,
one key replayed at once, PUT and transition races on one version). Shows that the service answers
every request, leaks no connection and no open transaction, and is quick again right after.

Usage: concurrency-test.py BASE_URL DATABASE
DATABASE is the embedded cluster's data folder (the server's --data-dir: psql connects through the
Unix socket in it, as the postgres superuser), or a whole psql command line in one argument, such
as "psql postgres://user:pass@host/db" (with DATABASE_URL).
Needs the demo data and accounts (demo-admin, demo-ops, demo-bank, demo-analyst).

Expectations:
- every answer is a 2xx, a 4xx the spec lists for that operation, or a 503 problem (busy); none takes
  longer than 30 s, no connection is dropped, no 5xx but 503;
- N concurrent creations with fresh keys store exactly the ones acknowledged with 201;
- N concurrent creations with one idempotency key store one record: every 201 names it (replays say
  Idempotent-Replayed: true), the others get 409 (the first still running);
- N concurrent PUTs (and transitions) on one version: exactly one succeeds, the rest get 412 or 409;
- a storm of 4 x N mixed requests (every role's GETs, creations, PUTs) meets the same rules;
- N clients that stall (half a body, unfinished headers) or close the connection before the answer
  (a long report, a whole POST) hold nothing: an authenticated GET meanwhile answers within 1 s;
- afterwards /healthz and an authenticated GET answer within 1 s, and pg_stat_activity shows no
  connection left `idle in transaction` (sampled twice, 3 s apart: a backend seen both times is a leak).
"""
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httpcheck import Answer, make_call  # noqa: E402

try:
    import yaml
except ImportError:
    sys.exit("concurrency-test: needs PyYAML to read openapi.yaml (Debian: apt-get install python3-yaml)")

if len(sys.argv) < 3:
    sys.exit(__doc__)
BASE = sys.argv[1].rstrip("/")
_url = urllib.parse.urlsplit(BASE)
HOST, PORT = _url.hostname, _url.port or 80
DATABASE = sys.argv[2]
PASSWORD = os.environ.get("CONCURRENCY_PASSWORD", "pledgematch-demo")
POOL = int(os.environ.get("CONCURRENCY_POOL", "20"))   # DatabaseURL.tuned: maximumConnections 20
BURST = 4 * POOL
TIMEOUT = 30
ROLES = {"administrator": "demo-admin", "operations": "demo-ops", "bank_officer": "demo-bank",
         "analyst": "demo-analyst"}
SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openapi.yaml")
with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = yaml.safe_load(f)
TODAY = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


call = make_call(HOST, PORT, TIMEOUT)


def must(answer, what, *ok):
    if answer.status not in (ok or (200, 201)):
        sys.exit(f"concurrency-test: setup failed: {what}: {answer.status} {answer.data[:300]!r}")
    return answer.json


def login(name):
    return must(call("POST", "/auth/login", {"login": name, "password": PASSWORD}), f"login {name}")


failures = []
tally = {}
refusals = {}
tally_lock = threading.Lock()


def judge(label, answer, allowed):
    """Counts one answer; a failure when it is not 2xx, an allowed 4xx, or a 503 problem."""
    s = answer.status
    with tally_lock:
        tally[s] = tally.get(s, 0) + 1
        if not (isinstance(s, int) and 200 <= s < 300):
            body = answer.json
            key = (s, body.get("code") if isinstance(body, dict) else None, label.split(" ")[1 if label.startswith("storm") else 0])
            refusals[key] = refusals.get(key, 0) + 1
    if isinstance(s, int) and (200 <= s < 300 or (s in allowed and answer.problem) or (s == 503 and answer.problem)):
        return True
    body = answer.json
    code = body.get("code") if isinstance(body, dict) else None
    failures.append(f"{label}: {s} code={code or '-'} after {answer.seconds:.1f} s"
                    + ("" if isinstance(s, str) or answer.problem or s < 400 else " (not problem+json)"))
    return False


def burst(label, n, fn):
    """n calls of fn at the same moment (a barrier releases them together); their answers."""
    barrier = threading.Barrier(n)

    def one(i):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        return fn(i)

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


# ---------------------------------------------------------------------------------------------
# The GET operations of each role, with real ids from the demo data as that role sees it.

def get_operations():
    out = []
    for path, item in SPEC["paths"].items():
        op = item.get("get")
        if not op:
            continue
        params = item.get("parameters", []) + op.get("parameters", [])
        allowed = {int(s) for s in op["responses"] if s.isdigit() and 400 <= int(s) < 500}
        out.append((op["operationId"], path, op.get("x-roles"), params, allowed))
    return out


def first_id(token, path):
    answer = call("GET", path, token=token)
    items = (answer.json or {}).get("items", []) if answer.status == 200 else []
    return items[0]["id"] if items else None


def ids_for(token, user):
    """Real ids this role can see (None where its lists are closed to it)."""
    ids = {}
    ids["bankId"] = first_id(token, "/banks?limit=1")
    products = call("GET", "/products?limit=50", token=token).json or {}
    products = products.get("items", [])
    if user.get("bankId"):
        products = [p for p in products if p["bankId"] == user["bankId"]] or products
    ids["productId"] = products[0]["id"] if products else None
    ids["targetId"] = first_id(token, "/targets?limit=1")
    firm = first_id(token, "/firms?limit=1")
    if firm is None and ids["productId"]:
        page = call("GET", f"/products/{ids['productId']}/candidates?limit=1", token=token).json or {}
        firm = page["items"][0]["firmId"] if page.get("items") else None
    ids["firmId"] = firm
    ids["assetId"] = first_id(token, f"/assets?limit=1&firmId={firm}") if firm else None
    ids["valuationId"] = first_id(token, "/valuations?limit=1")
    ids["applicationId"] = first_id(token, "/applications?limit=1")
    ids["loanId"] = first_id(token, "/loans?limit=1")
    marks = call("GET", "/assets?type=gi_collective_mark&limit=1", token=token).json or {}
    ids["markAssetId"] = marks["items"][0]["id"] if marks.get("items") else 1
    ids["entity"], ids["entityId"] = "firm", firm
    return ids


QUERY_DEFAULTS = {"getBatchCredit": {"markAssetId": None}, "getMonthlyReport": {"from": "2025-09", "to": "2026-08"},
                  "exportMonthlyReport": {"from": "2025-09", "to": "2026-08"},
                  "getCostReport": {"from": "2026-01", "to": "2026-12"},
                  "exportCostReport": {"from": "2026-01", "to": "2026-12"}}


def url_for(op_id, path, params, ids):
    for name in re.findall(r"{(\w+)}", path):
        if ids.get(name) is None:
            return None
        path = path.replace("{" + name + "}", str(ids[name]))
    query = dict(QUERY_DEFAULTS.get(op_id, {}))
    if "markAssetId" in query:
        query["markAssetId"] = ids["markAssetId"]
    if op_id in ("listFirms", "listAssets", "listValuations", "listApplications", "listLoans", "listCandidates"):
        query["limit"] = 50
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


# ---------------------------------------------------------------------------------------------
# Writes

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_rand = random.Random()


def credit_code():
    prefix = "91500102" + "".join(_rand.choice(ALPHABET) for _ in range(9))
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(prefix, WEIGHTS))
    return prefix + ALPHABET[(31 - total % 31) % 31]


def firm_body(industry, tag):
    return {"creditCode": credit_code(), "name": f"并发测试企业{tag}-{uuid.uuid4().hex[:8]}", "industryCode": industry,
            "town": "江北街道", "size": "small", "foundedOn": "2016-04-01", "employees": 30}


def count_firms(token):
    total, cursor = 0, None
    while True:
        path = "/firms?limit=200&includeArchived=true" + (f"&cursor={cursor}" if cursor else "")
        page = must(call("GET", path, token=token), "count firms")
        total += len(page["items"])
        cursor = page.get("nextCursor")
        if not cursor:
            return total


def writes(admin, ops, bank_token, bank_id):
    industry = must(call("GET", "/industries", token=admin), "industries")["items"][0]["code"]
    before = count_firms(admin)

    # 1. Creations with fresh keys.
    answers = burst("POST /firms", BURST, lambda i: call("POST", "/firms", firm_body(industry, i), token=ops))
    created = sum(1 for a in answers if a.status == 201)
    for a in answers:
        judge("POST /firms (fresh keys)", a, {409, 422})
    after = count_firms(admin)
    print(f"  POST /firms x{BURST} with fresh keys: {created} created, firms {before} -> {after}")
    if after - before != created:
        failures.append(f"POST /firms with fresh keys: {created} acknowledged but firms went from {before} to {after}")

    # 2. One key, one body, sent N times at once.
    key, body = str(uuid.uuid4()), firm_body(industry, "same-key")
    answers = burst("POST /firms same key", BURST,
                    lambda i: call("POST", "/firms", body, token=ops, headers={"Idempotency-Key": key}))
    ids = {a.json["id"] for a in answers if a.status == 201 and isinstance(a.json, dict)}
    for a in answers:
        judge("POST /firms (one idempotency key)", a, {409})
    final = count_firms(admin)
    print(f"  POST /firms x{BURST} with one key: statuses {status_counts(answers)}, ids {sorted(ids)}, "
          f"firms {after} -> {final}")
    if len(ids) > 1 or final - after > 1:
        failures.append(f"POST /firms with one idempotency key: {len(ids)} different records, firms {after} -> {final}")
    if not ids and final != after:
        failures.append("POST /firms with one idempotency key: a firm was stored but no answer named it")

    # 3. PUT race on one version.
    firm = must(call("POST", "/firms", firm_body(industry, "put-race"), token=ops), "create a firm for the PUT race")
    got = call("GET", f"/firms/{firm['id']}", token=ops)
    tag = got.headers.get("etag")
    put_body = {k: firm[k] for k in ("creditCode", "name", "industryCode", "town", "size", "foundedOn")}
    answers = burst("PUT race", BURST, lambda i: call("PUT", f"/firms/{firm['id']}", dict(put_body, town=f"镇{i}"),
                                                       token=ops, headers={"If-Match": tag}))
    wins = sum(1 for a in answers if a.status == 200)
    for a in answers:
        judge("PUT /firms/{id} (one If-Match)", a, {409, 412})
    version = call("GET", f"/firms/{firm['id']}", token=ops).headers.get("etag")
    print(f"  PUT /firms/{firm['id']} x{BURST} on version {tag}: statuses {status_counts(answers)}, now {version}")
    if wins != 1:
        failures.append(f"PUT race: {wins} of {BURST} PUTs on version {tag} succeeded (exactly one should)")

    # 4. Transition race: one draft application submitted N times on one version.
    prods = [p for p in must(call("GET", "/products?limit=200", token=ops), "products")["items"] if p["bankId"] == bank_id]
    app = None
    for p in prods:
        page = call("GET", f"/products/{p['id']}/candidates?limit=50", token=bank_token).json or {}
        for c in page.get("items", []):
            amount = max(p["minAmountFen"], min(c["capacityFen"], p["maxAmountFen"]) // 4)
            a = call("POST", "/applications", {"firmId": c["firmId"], "productId": p["id"], "amountFen": amount,
                                              "termMonths": p["minTermMonths"]}, token=ops)
            if a.status == 201:
                app = a.json
                break
        if app:
            break
    if app is None:
        failures.append("transition race: no application could be drafted")
        return
    n = POOL
    answers = burst("transition race", n, lambda i: call(
        "POST", f"/applications/{app['id']}/transitions", {"action": "submit"}, token=ops,
        headers={"If-Match": f'"{app["version"]}"'}))
    wins = sum(1 for a in answers if a.status == 200)
    for a in answers:
        judge("POST /applications/{id}/transitions (one If-Match)", a, {409, 412, 422})
    print(f"  POST /applications/{app['id']}/transitions submit x{n}: statuses {status_counts(answers)}")
    if wins != 1:
        failures.append(f"transition race: {wins} of {n} submits on version {app['version']} succeeded (exactly one should)")


def raw_connections(label, n, payload, hold, token):
    """n connections that each send `payload` (a request, perhaps incomplete) and then wait `hold`
    seconds without reading, or (hold 0) close at once: clients that stall or walk away. Meanwhile an
    authenticated GET must still answer within 1 s."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, PORT), timeout=5)
            s.sendall(payload)
            socks.append(s)
        except OSError as e:
            failures.append(f"{label}: could not open connection {len(socks) + 1}: {e}")
            break
    if hold == 0:
        for s in socks:
            s.close()
        socks = []
    time.sleep(0.3)
    probe = call("GET", "/firms?limit=1", token=token, timeout=10)
    print(f"  {label}: {n} connections; meanwhile GET /firms {probe.status} in {probe.seconds:.3f} s")
    if probe.status != 200 or probe.seconds > 1:
        failures.append(f"{label}: GET /firms {probe.status} in {probe.seconds:.2f} s while {n} clients stalled "
                        f"(want 200 within 1 s)")
    time.sleep(hold)
    for s in socks:
        s.close()


def stalled_clients(ops, admin):
    """Clients that stall mid-request or walk away before the answer must hold nothing."""
    body = json.dumps(firm_body("food_processing", "stalled"), ensure_ascii=False).encode()
    head = (f"POST /firms HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ops}\r\n"
            f"Content-Type: application/json\r\nIdempotency-Key: {{key}}\r\nContent-Length: {len(body)}\r\n\r\n")
    half = b"".join([head.replace("{key}", str(uuid.uuid4())).encode(), body[: len(body) // 2]])
    raw_connections("POST with half a body, stalled 5 s", BURST, half, 5, admin)
    raw_connections("headers never finished, stalled 5 s", BURST,
                    f"GET /firms HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ops}\r\n".encode(), 5, admin)
    report = (f"GET /reports/monthly?from=2025-09&to=2026-08 HTTP/1.1\r\nHost: {HOST}\r\n"
              f"Authorization: Bearer {ops}\r\n\r\n").encode()
    raw_connections("report requested, connection closed at once", BURST, report, 0, admin)
    whole = b"".join([head.replace("{key}", str(uuid.uuid4())).encode(), body])
    raw_connections("POST sent whole, connection closed at once", BURST, whole, 0, admin)


def storm(sessions, urls):
    """Everything at once: every role's GETs and writes in one burst of 4 x BURST requests."""
    ops = sessions["operations"][0]
    industry = must(call("GET", "/industries", token=ops), "industries")["items"][0]["code"]
    firms = [must(call("POST", "/firms", firm_body(industry, f"storm{i}"), token=ops), "storm firm") for i in range(8)]
    versions = {f["id"]: f["version"] for f in firms}

    def one(i):
        kind = i % 5
        if kind == 0:
            return "POST /firms", call("POST", "/firms", firm_body(industry, f"storm-{i}"), token=ops), {409, 422}
        if kind == 1:
            f = firms[i % len(firms)]
            body = {k: f[k] for k in ("creditCode", "name", "industryCode", "town", "size", "foundedOn")}
            return "PUT /firms/{id}", call("PUT", f"/firms/{f['id']}", dict(body, town=f"风暴镇{i}"), token=ops,
                                           headers={"If-Match": f'"{versions[f["id"]]}"'}), {409, 412}
        role, url, allowed = urls[i % len(urls)]
        return f"{role} GET {url}", call("GET", url, token=sessions[role][0]), allowed

    answers = burst("storm", 4 * BURST, one)
    for label, answer, allowed in answers:
        judge(f"storm {label}", answer, allowed)
    times = [a.seconds for _, a, _ in answers]
    print(f"  storm of {4 * BURST} mixed requests: {status_counts([a for _, a, _ in answers])} "
          f"p50 {percentile(times, 50):.2f} s max {max(times):.2f} s")


def status_counts(answers):
    out = {}
    for a in answers:
        out[a.status] = out.get(a.status, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))


# ---------------------------------------------------------------------------------------------
# The database afterwards

def psql_command():
    if os.path.isdir(DATABASE):
        bins = sorted((d for d in os.listdir("/usr/lib/postgresql") if d.isdigit()), key=int) \
            if os.path.isdir("/usr/lib/postgresql") else []
        psql = f"/usr/lib/postgresql/{bins[-1]}/bin/psql" if bins else "psql"
        return [psql, "-h", os.path.abspath(DATABASE), "-p", "5432", "-U", "postgres", "-d", "pledgematch"]
    return shlex.split(DATABASE)


def idle_in_transaction():
    sql = ("SELECT pid, state, now() - state_change, left(query, 80) FROM pg_stat_activity "
           "WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")
    out = subprocess.run(psql_command() + ["-XAtF", "|", "-c", sql], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        failures.append(f"pg_stat_activity: psql failed: {out.stderr.strip()[:300]}")
        return {}
    rows = [line.split("|", 3) for line in out.stdout.splitlines() if line.strip()]
    return {r[0]: r for r in rows}


def connections():
    sql = "SELECT state, count(*) FROM pg_stat_activity WHERE datname = current_database() GROUP BY 1 ORDER BY 1"
    out = subprocess.run(psql_command() + ["-XAtF", "=", "-c", sql], capture_output=True, text=True, timeout=30)
    return out.stdout.strip().replace("\n", ", ") if out.returncode == 0 else f"psql failed: {out.stderr.strip()}"


def main():
    started = time.monotonic()
    sessions = {}
    for role, name in ROLES.items():
        result = login(name)
        sessions[role] = (result["token"], result["user"])
    print(f"concurrency test against {BASE}: bursts of {BURST} (4 x pool {POOL}); database: {' '.join(psql_command())}")

    urls = []
    for role, (token, user) in sessions.items():
        ids = ids_for(token, user)
        for op_id, path, roles, params, allowed in get_operations():
            if roles is None or role not in roles:
                continue
            url = url_for(op_id, path, params, ids)
            if url is None:
                print(f"  {role:13s} {op_id}: skipped (no id visible to this role)")
                continue
            urls.append((role, url, allowed))
            answers = burst(op_id, BURST, lambda i: call("GET", url, token=token))
            ok = sum(judge(f"{role} GET {url}", a, allowed) for a in answers)
            times = [a.seconds for a in answers]
            print(f"  {role:13s} GET {url}: {status_counts(answers)} p50 {percentile(times, 50):.2f} s "
                  f"max {max(times):.2f} s{'' if ok == len(answers) else '  <-- FAIL'}")

    token = sessions["administrator"][0]
    print("concurrent writes")
    writes(token, sessions["operations"][0], sessions["bank_officer"][0], sessions["bank_officer"][1]["bankId"])
    print("everything at once")
    storm(sessions, urls)
    print("stalled and vanishing clients")
    stalled_clients(sessions["operations"][0], token)
    time.sleep(1)

    # Afterwards: quick answers, and no transaction left open.
    health = call("GET", "/healthz", timeout=5)
    if health.status != 200 or health.seconds > 1:
        failures.append(f"afterwards: /healthz {health.status} in {health.seconds:.2f} s (want 200 within 1 s)")
    read = call("GET", "/firms?limit=1", token=token, timeout=5)
    if read.status != 200 or read.seconds > 1:
        failures.append(f"afterwards: GET /firms {read.status} in {read.seconds:.2f} s (want 200 within 1 s)")
    print(f"afterwards: /healthz {health.status} in {health.seconds:.3f} s, GET /firms {read.status} in {read.seconds:.3f} s")
    first = idle_in_transaction()
    time.sleep(3)
    second = idle_in_transaction()
    leaked = [second[p] for p in second if p in first]
    print(f"pg_stat_activity: {connections()}; idle in transaction: {len(first)} then {len(second)} 3 s later")
    for row in leaked:
        failures.append(f"pg_stat_activity: backend {row[0]} {row[1]} for {row[2]}: {row[3] if len(row) > 3 else ''}")

    print()
    for line in failures[:200]:
        print("FAIL " + line)
    if len(failures) > 200:
        print(f"... and {len(failures) - 200} more")
    total = sum(tally.values())
    print("answers other than 2xx (status, code, role or operation): "
          + ", ".join(f"{k[0]} {k[1]} {k[2]} x{n}" for k, n in sorted(refusals.items(), key=lambda kv: str(kv[0]))))
    print(f"answers: {dict(sorted(tally.items(), key=lambda kv: str(kv[0])))} in {time.monotonic() - started:.0f} s")
    print(f"concurrency-test: {total} requests, {len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
