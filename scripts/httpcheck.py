"""The HTTP client the robustness scripts share: one request a fresh connection, any bytes in the
body or headers, and an answer that says 'timeout' or 'dropped' instead of raising."""
import http.client
import json
import socket
import time
import uuid


class Answer:
    def __init__(self, status, headers=None, data=b"", seconds=0.0):
        self.status, self.headers, self.data, self.seconds = status, headers or {}, data, seconds

    @property
    def json(self):
        try:
            return json.loads(self.data)
        except ValueError:
            return None

    @property
    def problem(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower() == "application/problem+json"

    def describe(self):
        body = self.json
        code = body.get("code") if isinstance(body, dict) else None
        return f"{self.status} code={code or '-'} in {self.seconds:.2f} s"


def make_call(host, port, default_timeout, encode=None):
    """A call(method, path, body, token, headers, timeout, raw_body) for one service. POSTs get a
    fresh Idempotency-Key unless the caller gives one; `encode` turns a body into bytes."""
    encode = encode or (lambda body: json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def call(method, path, body=None, token=None, headers=None, timeout=None, raw_body=None):
        started = time.monotonic()
        conn = http.client.HTTPConnection(host, port, timeout=timeout or default_timeout)
        try:
            data = raw_body if raw_body is not None else (encode(body) if body is not None else None)
            conn.putrequest(method, path, skip_accept_encoding=True)
            hdrs = {}
            if data is not None:
                hdrs["Content-Type"] = "application/json"
                hdrs["Content-Length"] = str(len(data))
            elif method in ("POST", "PUT", "PATCH"):
                hdrs["Content-Length"] = "0"
            if token:
                hdrs["Authorization"] = f"Bearer {token}"
            if method == "POST":
                hdrs["Idempotency-Key"] = str(uuid.uuid4())
            hdrs.update(headers or {})
            for k, v in hdrs.items():
                conn.putheader(k, v.encode("utf-8") if isinstance(v, str) else v)
            conn.endheaders(data)
            resp = conn.getresponse()
            payload = resp.read()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload, time.monotonic() - started)
        except socket.timeout:
            return Answer("timeout", seconds=time.monotonic() - started)
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            return Answer("dropped", data=str(e).encode(), seconds=time.monotonic() - started)
        finally:
            conn.close()

    return call


def ready(answer):
    """/readyz 200 with the matching index built: the engine's questions are answered, not refused as warming."""
    if answer.status != 200:
        return False
    try:
        return (answer.json or {}).get("matchIndex") == "ready"
    except ValueError:
        return False
