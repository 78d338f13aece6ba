#!/usr/bin/env python3
"""Render time of the console's main pages, as each role sees them, on a running service with the
demo data: p50 and p99 over N requests on one keep-alive connection (the first 20 are warm-up).

Usage: bench-console.py BASE_URL [N]
Measured from a client on loopback, so each figure includes the HTTP round trip (a fraction of a
millisecond); run it against a release build (`swift build -c release`) for the figures that count.
"""
import http.client
import sys
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__))
N = int(sys.argv[2]) if len(sys.argv) > 2 else 220
PAGES = [("demo-ops", "/console"), ("demo-ops", "/console/firms"), ("demo-ops", "/console/firms/2"),
         ("demo-ops", "/console/firms/2/matches"), ("demo-ops", "/console/applications"),
         ("demo-bank", "/console/candidates"), ("demo-analyst", "/console/progress"),
         ("demo-analyst", "/console/monthly"), ("demo-analyst", "/console/cost"), ("demo-admin", "/console/users")]


def session(login):
    c = http.client.HTTPConnection(url.hostname, url.port)
    c.request("POST", "/console/login", urllib.parse.urlencode({"login": login, "password": "pledgematch-demo"}),
              {"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    return r.getheader("Set-Cookie").split(";")[0]


worst = 0.0
print(f"{'page':28} {'as':13} {'p50 ms':>8} {'p99 ms':>8}")
for login, path in PAGES:
    cookie, c, times = session(login), http.client.HTTPConnection(url.hostname, url.port), []
    for _ in range(N):
        t = time.perf_counter()
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse()
        r.read()
        times.append((time.perf_counter() - t) * 1000)
        if r.status != 200:
            sys.exit(f"{path}: {r.status}")
    times = sorted(times[20:])
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
    worst = max(worst, p99)
    print(f"{path:28} {login:13} {p50:8.1f} {p99:8.1f}")
print(f"worst p99 {worst:.1f} ms (goal 50 ms)")
