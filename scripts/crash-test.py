#!/usr/bin/env python3
"""Crash test: kill the server with SIGKILL during a stream of disbursements, restart it, and show
that every acknowledged loan is stored exactly once and that retries with the same idempotency keys
create nothing new.

Usage: crash-test.py BINARY DATA_DIR PORT
The server runs on its embedded PostgreSQL with the demo data; the script signs in as the demo
operations user and the demo bank officer (README, "Demo accounts") and works on that bank's products.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

BINARY, DATA_DIR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = os.environ.get("CRASH_PASSWORD", "pledgematch-demo")
OPS = (os.environ.get("CRASH_OPS_LOGIN", "demo-ops"), PASSWORD)
BANK = (os.environ.get("CRASH_BANK_LOGIN", "demo-bank"), PASSWORD)
WANTED = int(os.environ.get("CRASH_APPLICATIONS", "24"))


def call(method, path, body=None, token=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if method == "POST" and "Idempotency-Key" not in (headers or {}):
        req.add_header("Idempotency-Key", str(uuid.uuid4()))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, dict(e.headers), json.loads(raw) if raw else None


def start_server(log):
    proc = subprocess.Popen([BINARY, "serve", "--demo", "--data-dir", DATA_DIR, "--port", str(PORT)],
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            status, _, body = call("GET", "/readyz", timeout=2)
            # Ready with the matching index built: the test asks the engine at once.
            if status == 200 and (body or {}).get("matchIndex") == "ready":
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        time.sleep(0.2)
    sys.exit("server did not become ready")


def login(name, password):
    status, _, body = call("POST", "/auth/login", {"login": name, "password": password})
    if status != 200:
        sys.exit(f"login {name}: {status} {body}")
    return body["token"]


def login_officer():
    """The demo bank officer's token and bank."""
    status, _, body = call("POST", "/auth/login", {"login": BANK[0], "password": BANK[1]})
    if status != 200:
        sys.exit(f"login {BANK[0]}: {status} {body}")
    return body["token"], body["user"]["bankId"]


def prepare(ops):
    """Approved applications on the demo data, one per firm, each pledging the suggested package."""
    status, _, products = call("GET", "/products?limit=200", token=ops)
    prepared = []
    token, officer_bank = login_officer()
    officers = {officer_bank: token}
    for product in products["items"]:
        bank = product["bankId"]
        if bank != officer_bank:
            continue
        status, _, page = call("GET", f"/products/{product['id']}/candidates?limit=100", token=officers[bank])
        if status != 200:
            continue
        for c in page["items"]:
            if len(prepared) >= WANTED:
                return prepared, officers
            if any(p["firmId"] == c["firmId"] for p in prepared):
                continue
            amount = max(product["minAmountFen"], min(c["capacityFen"], product["maxAmountFen"]) // 2)
            status, _, app = call("POST", "/applications", {
                "firmId": c["firmId"], "productId": product["id"], "amountFen": amount,
                "termMonths": product["minTermMonths"]}, token=ops)
            if status != 201:
                continue
            version = app["version"]
            ok = True
            for action, who in (("submit", ops), ("start_review", officers[bank]), ("approve", officers[bank])):
                status, headers, app = call("POST", f"/applications/{app['id']}/transitions", {"action": action},
                                            token=who, headers={"If-Match": f'"{version}"'})
                if status != 200:
                    ok = False
                    break
                version = app["version"]
            if ok:
                prepared.append({"id": app["id"], "firmId": c["firmId"], "bankId": bank, "version": version,
                                 "termMonths": product["minTermMonths"]})
    return prepared, officers


def disburse(app, officers, key):
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    y, m, d = map(int, today.split("-"))
    m += app["termMonths"]
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    maturity = f"{y:04d}-{m:02d}-{min(d, 28):02d}"
    return call("POST", f"/applications/{app['id']}/disbursement", {
        "maturityOn": maturity, "rateBp": 345, "registrationNumber": f"渝知质登-{app['id']}", "registeredOn": today},
        token=officers[app["bankId"]], headers={"Idempotency-Key": key, "If-Match": f'"{app["version"]}"'}, timeout=10)


def main():
    log = open(os.path.join(DATA_DIR + ".log"), "ab")
    server = start_server(log)
    ops = login(*OPS)
    apps, officers = prepare(ops)
    if len(apps) < 8:
        sys.exit(f"only {len(apps)} approved applications could be prepared")
    print(f"crash test: {len(apps)} approved applications; streaming disbursements, then SIGKILL")

    keys = {a["id"]: f"crash-{a['id']}-{uuid.uuid4()}" for a in apps}
    acked = {}
    lock = threading.Lock()

    def worker(chunk):
        for a in chunk:
            try:
                status, _, body = disburse(a, officers, keys[a["id"]])
            except OSError:
                return  # the server died under us: this one was never acknowledged
            if status == 201:
                with lock:
                    acked[a["id"]] = body["id"]

    threads = [threading.Thread(target=worker, args=(apps[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    while len(acked) < len(apps) // 3:
        time.sleep(0.005)
    server.send_signal(signal.SIGKILL)
    server.wait()
    for t in threads:
        t.join()
    print(f"killed with {len(acked)} of {len(apps)} acknowledged")

    server = start_server(log)
    try:
        ops = login(*OPS)
        token, bank = login_officer()
        officers = {bank: token}
        failures = []
        loans_after_first_retry = {}
        committed_unacked = 0
        for a in apps:
            status, headers, body = disburse(a, officers, keys[a["id"]])
            if status != 201:
                failures.append(f"application {a['id']}: retry got {status} {body}")
                continue
            loans_after_first_retry[a["id"]] = body["id"]
            if a["id"] not in acked and headers.get("Idempotent-Replayed") == "true":
                committed_unacked += 1  # committed before the kill, its answer lost: the retry replays it
            if a["id"] in acked and body["id"] != acked[a["id"]]:
                failures.append(f"application {a['id']}: acknowledged loan {acked[a['id']]}, retry gave {body['id']}")
            if a["id"] in acked and headers.get("Idempotent-Replayed") != "true":
                failures.append(f"application {a['id']}: the retry of an acknowledged loan was not a replay")
        for a in apps:  # a second round of retries changes nothing either
            status, headers, body = disburse(a, officers, keys[a["id"]])
            if status != 201 or headers.get("Idempotent-Replayed") != "true" or body["id"] != loans_after_first_retry.get(a["id"]):
                failures.append(f"application {a['id']}: second retry got {status}")
        for a in apps:
            status, _, page = call("GET", f"/loans?applicationId={a['id']}", token=ops)
            if status != 200 or len(page["items"]) != 1:
                failures.append(f"application {a['id']}: {len(page['items']) if page else '?'} loans stored")
        if failures:
            print("\n".join(failures[:20]))
            sys.exit(f"crash test FAILED: {len(failures)} problems")
        print(f"crash test passed: {len(acked)} acknowledged loans each stored once and replayed on retry; "
              f"{committed_unacked} committed but unacknowledged, replayed; {len(apps) - len(acked) - committed_unacked} "
              f"never committed, made on retry; a second round of {len(apps)} retries created nothing")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()


main()
