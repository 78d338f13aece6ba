#!/usr/bin/env python3
"""Two service instances on one PostgreSQL: what one writes, the other reads at once.

Usage: multi-instance-test.py BINARY WORK_DIR PORT_A PORT_B

Seeds the demo data into a cluster under WORK_DIR (`BINARY seed --demo`), starts that cluster with
pg_ctl, and starts two `BINARY serve` processes on it through DATABASE_URL (a Unix socket), each with
its own matching index. Then, writing through one instance and reading through the other at once:
- a firm archived through A is gone from the bank's candidates and from the firm list through B;
- a repayment booked through A is on the loan and in this month's report through B;
- an approved application disbursed through A and B at the same moment is disbursed once: one 201,
  the other a 409 or 412 that names the state or the version, one loan in the ledger;
- the firm's explained matches, read (and so kept, docs/matching.md §10) through both instances
  before the disbursement, change with its pledge at once through both, and alike.
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglocal  # noqa: E402
from httpcheck import make_call, ready  # noqa: E402

if len(sys.argv) < 5:
    sys.exit(__doc__)
BINARY, WORK, PORT_A, PORT_B = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
PG = os.path.join(WORK, "pg")
PASSWORD = "pledgematch-demo"
A, B = make_call("127.0.0.1", PORT_A, 30), make_call("127.0.0.1", PORT_B, 30)
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)
    print(("ok   " if condition else "FAIL ") + what)
    return condition


def pg_ctl(*argv):
    return pglocal.pg_ctl(PG, *argv)


def serve(port, log):
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@localhost:5432/pledgematch?host={PG}")
    proc = subprocess.Popen([BINARY, "serve", "--port", str(port), "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=env)
    call = make_call("127.0.0.1", port, 5)
    for _ in range(300):
        if ready(call("GET", "/readyz")):
            return proc
        if proc.poll() is not None:
            sys.exit(f"multi-instance-test: instance on {port} exited with {proc.returncode}")
        time.sleep(0.2)
    sys.exit(f"multi-instance-test: instance on {port} did not become ready")


def token(call, login):
    answer = call("POST", "/auth/login", {"login": login, "password": PASSWORD})
    if answer.status != 200:
        sys.exit(f"multi-instance-test: login {login}: {answer.describe()}")
    return answer.json["token"]


def beijing_today():
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))


def archived_firm_is_gone_everywhere(ops_a, ops_b, bank_b):
    products = B("GET", "/products?limit=50", token=bank_b).json["items"]
    product = products[0]["id"]
    before = B("GET", f"/products/{product}/candidates?limit=50", token=bank_b).json["items"]
    if not expect(before, "the bank sees candidates through B"):
        return
    firm = before[0]["firmId"]
    current = A("GET", f"/firms/{firm}", token=ops_a)
    archived = A("DELETE", f"/firms/{firm}", token=ops_a, headers={"If-Match": current.headers.get("etag", '"1"')})
    expect(archived.status == 204, f"firm {firm} archived through A ({archived.describe()})")
    after = B("GET", f"/products/{product}/candidates?limit=50", token=bank_b).json["items"]
    expect(all(c["firmId"] != firm for c in after), f"at once, B's candidates no longer hold firm {firm}")
    listed = B("GET", f"/firms/{firm}", token=ops_b)
    expect(listed.status == 404 or (listed.json or {}).get("archivedAt"), f"at once, B reads firm {firm} as archived ({listed.status})")


def repayment_is_read_at_once(bank_a, bank_b, analyst_b):
    loans = A("GET", "/loans?limit=50", token=bank_a).json["items"]
    open_loans = [l for l in loans if l["outstandingFen"] >= 100 and l.get("renewedBy") is None]
    if not expect(open_loans, "the bank has an open loan"):
        return
    loan = open_loans[0]
    month = beijing_today()[:7]
    report_before = B("GET", f"/reports/monthly?from={month}&to={month}", token=analyst_b).json["total"]["months"][0]["repaidFen"]
    entry = A("POST", f"/loans/{loan['id']}/entries", {"kind": "repayment", "amountFen": 100, "effectiveOn": beijing_today()}, token=bank_a)
    expect(entry.status == 201, f"a repayment booked through A ({entry.describe()})")
    read = B("GET", f"/loans/{loan['id']}", token=bank_b).json
    expect(read["repaidFen"] == loan["repaidFen"] + 100, f"at once, B's loan shows it (repaid {loan['repaidFen']} -> {read['repaidFen']})")
    report_after = B("GET", f"/reports/monthly?from={month}&to={month}", token=analyst_b).json["total"]["months"][0]["repaidFen"]
    expect(report_after == report_before + 100, f"at once, B's monthly report counts it ({report_before} -> {report_after})")


def raced_disbursement_happens_once(ops_a, bank_a, bank_b):
    products = A("GET", "/products?limit=50", token=bank_a).json["items"]
    for product in products:
        candidates = A("GET", f"/products/{product['id']}/candidates?limit=20", token=bank_a).json["items"]
        for c in candidates:
            match = A("GET", f"/firms/{c['firmId']}/matches/{product['id']}", token=ops_a).json
            if match and match.get("eligible") and match.get("package"):
                return race(ops_a, bank_a, bank_b, product, c["firmId"], match)
    expect(False, "an eligible match to apply for")


def race(ops_a, bank_a, bank_b, product, firm, match):
    app = A("POST", "/applications", {"firmId": firm, "productId": product["id"], "amountFen": match["amountFen"],
                                      "termMonths": match["termMonths"], "assetIds": match["package"]["assetIds"]}, token=ops_a)
    if not expect(app.status == 201, f"an application through A ({app.describe()})"):
        return
    app_id, version = app.json["id"], app.json["version"]
    for action, who in [("submit", ops_a), ("start_review", bank_a), ("approve", bank_a)]:
        step = A("POST", f"/applications/{app_id}/transitions", {"action": action}, token=who, headers={"If-Match": f'"{version}"'})
        if not expect(step.status == 200, f"{action} ({step.describe()})"):
            return
        version = step.json["version"]
    body = {"maturityOn": "2027-12-31", "rateBp": 385, "registrationNumber": f"渝质登-race-{app_id}", "registeredOn": beijing_today()}
    answers = {}

    def disburse(name, call):
        answers[name] = call("POST", f"/applications/{app_id}/disbursement", body, token=bank_a if name == "A" else bank_b,
                             headers={"If-Match": f'"{version}"'})

    ops_b = token(B, "demo-ops")
    kept = {"A": A("GET", f"/firms/{firm}/matches", token=ops_a).data, "B": B("GET", f"/firms/{firm}/matches", token=ops_b).data}
    threads = [threading.Thread(target=disburse, args=(n, c)) for n, c in [("A", A), ("B", B)]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status for a in answers.values())
    expect(statuses.count(201) == 1 and all(s in (201, 409, 412) for s in statuses),
           f"the same disbursement raced through A and B: once ({', '.join(a.describe() for a in answers.values())})")
    loans = B("GET", f"/loans?applicationId={app_id}", token=bank_b).json["items"]
    expect(len(loans) == 1, f"one loan in the ledger for application {app_id} (found {len(loans)})")
    now_a = A("GET", f"/firms/{firm}/matches", token=ops_a).data
    now_b = B("GET", f"/firms/{firm}/matches", token=ops_b).data
    expect(now_a != kept["A"] and now_b != kept["B"] and now_a == now_b,
           f"at once, firm {firm}'s explained matches through A and B show its pledge, alike")


def main():
    os.makedirs(WORK, exist_ok=True)
    log = open(os.path.join(WORK, "instances.log"), "ab")
    subprocess.run([BINARY, "seed", "--demo", "--data-dir", PG, "--log-level", "warning"], check=True, stdout=log, stderr=subprocess.STDOUT)
    out = pg_ctl("-l", f"{PG}/server.log", "-w", "-t", "60", "-o", f"-c listen_addresses='' -k {PG} -p 5432", "start")
    if out.returncode != 0:
        sys.exit(f"multi-instance-test: pg_ctl start: {out.stdout}{out.stderr}")
    procs = []
    try:
        procs = [serve(PORT_A, log), serve(PORT_B, log)]
        print(f"multi-instance test: instances on {PORT_A} and {PORT_B}, one cluster {PG}")
        ops_a, ops_b = token(A, "demo-ops"), token(B, "demo-ops")
        bank_a, bank_b = token(A, "demo-bank"), token(B, "demo-bank")
        analyst_b = token(B, "demo-analyst")
        archived_firm_is_gone_everywhere(ops_a, ops_b, bank_b)
        repayment_is_read_at_once(bank_a, bank_b, analyst_b)
        raced_disbursement_happens_once(ops_a, bank_a, bank_b)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        pg_ctl("-m", "fast", "-w", "stop")
    print(f"multi-instance-test: {len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
