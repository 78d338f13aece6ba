#!/usr/bin/env python3
"""Hostile input test: every write operation and every operation with path or query parameters in
openapi.yaml gets values built to break a server (combining marks and astral characters at and past
maxLength, control characters, injection strings, numbers past int64, impossible dates, arrays past
maxItems, ...), one field at a time on an otherwise valid request.

Usage: hostile-input.py BASE_URL
Needs a running server with the demo data and accounts (README, "Using the API"): it signs in as
demo-admin for everything and as demo-bank for the operations a bank officer may call.

What counts as a pass, per mutated request:
- the value breaks the spec (type, minimum/maximum, minLength/maxLength counted in Unicode code
  points as JSON Schema and PostgreSQL count them, pattern, enum, format, maxItems, a required field
  set to null), or is blank where minLength >= 1: a 4xx answer with Content-Type
  application/problem+json whose top-level `field`, or the `field` of one entry of `errors`, names
  the mutated field: equal to its JSON path (`name`, `ipTerms[0].loanToValueBp`), its parameter name
  (`firmId`, `If-Match`), or a path inside it (`ipTerms[6]` for `ipTerms`);
- the value is valid per the spec: a 2xx, or a 4xx problem+json that names a field: the server's own
  rules may be stricter than the spec (dates between 1900 and 2200, check characters), and a rule
  across fields may name the other field or the object (score weights must sum to 100 and name
  `scoreWeights`; a minimum above the maximum names the maximum);
- a lone surrogate (not Unicode text): any 4xx problem+json, since the JSON reader refuses the whole
  document before it has fields.
Always a failure: a 5xx (a 503 included), a dropped connection, no answer within 10 s, a 4xx that is
not application/problem+json, a 2xx for an invalid value.
After each group of requests the process must still answer /healthz, and the rows of the
collections the group wrote to must have grown by exactly the number of 2xx creations (refused
requests write nothing); records changed with PUT must keep their version across refused requests.

Login and logout are left out: failed logins are rate-limited per client address, so hostile logins
would lock the demo accounts out, and a logout would end the session the test runs on.
"""
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import re
import socket
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
    sys.exit("hostile-input: needs PyYAML to read openapi.yaml (Debian: apt-get install python3-yaml)")

if len(sys.argv) < 2:
    sys.exit(__doc__)
BASE = sys.argv[1].rstrip("/")
_url = urllib.parse.urlsplit(BASE)
HOST, PORT = _url.hostname, _url.port or 80
SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openapi.yaml")
PASSWORD = os.environ.get("HOSTILE_PASSWORD", "pledgematch-demo")
TIMEOUT = 10
WORKERS = int(os.environ.get("HOSTILE_WORKERS", "6"))
VERBOSE = "-v" in sys.argv[2:]
TODAY = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()

with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = yaml.safe_load(f)


# ---------------------------------------------------------------------------------------------
# The spec: references, schemas, a validator that decides whether a value is valid per the spec.

def resolve(node):
    """Follows $ref and merges allOf, recursively for properties and items."""
    if isinstance(node, dict) and "$ref" in node:
        target = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return resolve({**target, **rest})
    if isinstance(node, dict) and "allOf" in node:
        merged = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            part = resolve(part)
            for k, v in part.items():
                if k == "properties":
                    merged.setdefault("properties", {}).update(v)
                elif k == "required":
                    merged["required"] = list(merged.get("required", [])) + list(v)
                else:
                    merged.setdefault(k, v)
        return resolve(merged)
    return node


def types_of(schema):
    t = schema.get("type")
    if t is None:
        if "enum" in schema:
            return {"string"}
        if "properties" in schema:
            return {"object"}
        return set()
    return set(t) if isinstance(t, list) else {t}


class Raw(str):
    """JSON text sent as it is (numbers Python cannot write, such as 1e309)."""


def raw_value(v):
    """The value a JSON reader would see for a Raw literal (inf for 1e309)."""
    if isinstance(v, Raw):
        try:
            return int(v)
        except ValueError:
            return float(v)
    return v


def leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def valid_date(s):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        return False
    y, mo, d = map(int, m.groups())
    if not 1 <= mo <= 12:
        return False
    days = [31, 29 if leap(y) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
    return 1 <= d <= days


def valid_datetime(s):
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))", s)
    if not m or not valid_date(m.group(1)):
        return False
    h, mi, sec = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if h > 23 or mi > 59 or sec > 60:
        return False
    if m.group(7) and (int(m.group(7)) > 23 or int(m.group(8)) > 59):
        return False
    return True


def has_surrogate(s):
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in s)


def is_valid(schema, value):
    """Whether a JSON value is valid per a (resolved) schema; lengths in code points."""
    schema = resolve(schema)
    value = raw_value(value)
    types = types_of(schema)
    if value is None:
        return "null" in types
    if isinstance(value, bool):
        ok_type = "boolean" in types
    elif isinstance(value, int):
        ok_type = bool(types & {"integer", "number"})
    elif isinstance(value, float):
        ok_type = "number" in types and value not in (float("inf"), float("-inf")) or \
            ("integer" in types and value == value and value not in (float("inf"), float("-inf")) and value.is_integer())
    elif isinstance(value, str):
        ok_type = "string" in types
    elif isinstance(value, list):
        ok_type = "array" in types
    elif isinstance(value, dict):
        ok_type = "object" in types
    else:
        ok_type = False
    if not ok_type:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if schema.get("format") == "int64" and not -2**63 <= value <= 2**63 - 1:
            return False
        if schema.get("format") == "int32" and not -2**31 <= value <= 2**31 - 1:
            return False
    if isinstance(value, str):
        if has_surrogate(value):
            return False
        if "minLength" in schema and len(value) < schema["minLength"]:
            return False
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return False
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        if schema.get("format") == "date" and not valid_date(value):
            return False
        if schema.get("format") == "date-time" and not valid_datetime(value):
            return False
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            return False
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return False
        if "items" in schema and not all(is_valid(schema["items"], x) for x in value):
            return False
    if isinstance(value, dict):
        props = schema.get("properties", {})
        if any(r not in value for r in schema.get("required", [])):
            return False
        if schema.get("additionalProperties") is False and any(k not in props for k in value):
            return False
        if not all(is_valid(props[k], v) for k, v in value.items() if k in props):
            return False
    return True


def blank(value):
    return isinstance(value, str) and value != "" and value.strip(" \t\r\n\u3000\u00a0") == ""


def expectation(schema, value, field=""):
    """'ok' when the value is valid per the spec, 'bad' when it must be refused."""
    schema = resolve(schema)
    if blank(value) and schema.get("minLength", 0) >= 1 and not field.endswith("password"):
        # (a password is not trimmed text: spaces are characters like any other)
        return "bad"  # only spaces where something is required: refused whatever the length
    return "ok" if is_valid(schema, value) else "bad"


# ---------------------------------------------------------------------------------------------
# Hostile values, by the kind of field.

def text_values(schema):
    hi = schema.get("maxLength", 300)
    lo = schema.get("minLength", 0)
    comb = "e\u0301" * (hi // 2) + ("e" if hi % 2 else "")
    out = [
        ("ascii-at-max", "x" * hi),
        ("ascii-over-by-one", "x" * (hi + 1)),
        ("combining-at-max-codepoints", comb),                 # hi code points, hi/2 characters
        ("combining-max-characters", "e\u0301" * hi),          # hi characters as a person sees them, 2*hi code points
        ("astral-at-max", "\U00020000" * hi),                  # hi code points, 2*hi UTF-16 units, 4*hi bytes
        ("astral-over-by-one", "\U00020000" * (hi + 1)),
        ("nul", "a\u0000b"),
        ("control", "a\u0007\u001b[2J\u007fb"),
        ("bidi-zero-width", "\u202eab\u200b\ufeff"),
        ("sql", "x' OR '1'='1'; DROP TABLE firms; --"),
        ("html", "<script>alert(1)</script>"),
        ("empty", ""),
        ("spaces-only", " " * max(lo, 3)),
        ("ideographic-spaces-only", "\u3000\u00a0\u3000"),
        ("lone-surrogate", "a\ud800b"),
        ("number-for-string", 12),
    ]
    return out


DATES = [("year-0000", "0000-01-01"), ("year-1899", "1899-12-31"), ("year-2201", "2201-01-01"),
         ("year-9999", "9999-12-31"), ("year-99999999", "99999999-01-01"), ("feb-30", "2025-02-30"),
         ("not-a-date", "abc"), ("no-padding", "2025-9-1"), ("empty", ""), ("number-for-date", 20250101)]
DATETIMES = [("year-0000", "0000-01-01T00:00:00Z"), ("year-1899", "1899-12-31T23:59:59Z"),
             ("year-2201", "2201-01-01T00:00:00Z"), ("year-9999", "9999-12-31T23:59:59Z"),
             ("year-99999999", "99999999-01-01T00:00:00Z"), ("feb-30", "2025-02-30T00:00:00Z"),
             ("hour-25", "2025-01-01T25:00:00Z"), ("not-a-date-time", "abc"), ("date-only", "2025-01-01"),
             ("empty", "")]


def integer_values(schema):
    out = [("half", Raw("0.5")), ("1e309", Raw("1e309")), ("2^63", Raw("9223372036854775808")),
           ("-2^63-1", Raw("-9223372036854775809")), ("string-12", "12"), ("exponent-1e2", Raw("1e2")),
           ("true-for-int", True)]
    if "maximum" in schema:
        out += [("max", schema["maximum"]), ("max+1", schema["maximum"] + 1)]
    if "minimum" in schema:
        out += [("min", schema["minimum"]), ("min-1", schema["minimum"] - 1)]
    return out


def values_for(schema, sample):
    """(kind, value) pairs for one field; `sample` is a valid value of it (for array items)."""
    schema = resolve(schema)
    types = types_of(schema)
    out = []
    if "string" in types:
        if "enum" in schema:
            out += [("enum-unknown", "abc"), ("enum-upper-case", str(schema["enum"][0]).upper()), ("empty", ""),
                    ("number-for-string", 12)]
        elif schema.get("format") == "date":
            out += DATES
        elif schema.get("format") == "date-time":
            out += DATETIMES
        else:
            out += text_values(schema)
    if "integer" in types or "number" in types:
        out += integer_values(schema)
    if "boolean" in types:
        out += [("string-true", "true"), ("number-1", 1)]
    if "array" in types:
        item = sample[0] if isinstance(sample, list) and sample else example_for(schema.get("items", {}))
        if "maxItems" in schema:
            out.append(("over-maxItems", [item] * (schema["maxItems"] + 1)))
        out += [("string-for-array", "x"), ("empty-array", [])]
    if "object" in types:
        out += [("array-for-object", []), ("string-for-object", "x")]
    out.append(("null", None))
    return out


def example_for(schema):
    """A value valid per the schema alone (used when a baseline has no array item to copy)."""
    schema = resolve(schema)
    types = types_of(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "string" in types:
        if schema.get("format") == "date":
            return str(TODAY)
        return "x" * max(1, schema.get("minLength", 1))
    if "integer" in types or "number" in types:
        return max(schema.get("minimum", 1), 1) if schema.get("maximum", 1) >= 1 else schema.get("minimum", 0)
    if "boolean" in types:
        return True
    if "array" in types:
        return []
    if "object" in types:
        return {k: example_for(v) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    return None


def field_mutations(schema, body, prefix=""):
    """Every (field path, kind, mutated body, expectation) for a body: one field at a time, nested
    objects and the first item of arrays of objects included."""
    schema = resolve(schema)
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(prop)
        path = f"{prefix}.{name}" if prefix else name
        current = body.get(name)
        required = name in schema.get("required", [])
        for kind, value in values_for(prop, current):
            if kind == "null" and not required and "null" not in types_of(prop):
                continue  # an optional field set to null: absent for most readers, not worth a request
            mutated = dict(body)
            mutated[name] = value
            out.append((path, kind, mutated, expectation(prop, value, path)))
        types = types_of(prop)
        if "object" in types and isinstance(current, dict):
            for sub_path, kind, sub_body, exp in field_mutations(prop, current, path):
                mutated = dict(body)
                mutated[name] = sub_body
                out.append((sub_path, kind, mutated, exp))
        if "array" in types and isinstance(current, list) and current and isinstance(current[0], dict):
            item_schema = resolve(prop["items"])
            for sub_path, kind, sub_body, exp in field_mutations(item_schema, current[0], f"{path}[0]"):
                mutated = dict(body)
                mutated[name] = [sub_body] + current[1:]
                out.append((sub_path, kind, mutated, exp))
        elif "array" in types and isinstance(current, list) and current:
            item_schema = resolve(prop.get("items", {}))
            for kind, value in values_for(item_schema, None):
                mutated = dict(body)
                mutated[name] = [value] + current[1:]
                out.append((f"{path}[0]", kind, mutated, expectation(item_schema, value)))
    return out


# ---------------------------------------------------------------------------------------------
# HTTP

def to_json(v):
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, dict):
        return "{" + ",".join(to_json(str(k)) + ":" + to_json(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(to_json(x) for x in v) + "]"
    if isinstance(v, str) and has_surrogate(v):
        return json.dumps(v)  # \ud800 escaped: the only way to write a lone surrogate
    return json.dumps(v, ensure_ascii=False)


call = make_call(HOST, PORT, TIMEOUT, encode=lambda body: to_json(body).encode("utf-8", "surrogatepass"))


class SetupFailed(Exception):
    pass


def must(answer, what, *ok):
    """The answer of a request that prepares the test; anything but success stops the run."""
    if answer.status not in (ok or (200, 201)):
        raise SetupFailed(f"setup failed: {what}: {answer.status} {answer.data[:300]!r}")
    return answer.json


def login(name):
    return must(call("POST", "/auth/login", {"login": name, "password": PASSWORD}), f"login {name}")["token"]


def q(params):
    return "?" + urllib.parse.urlencode(params, doseq=True, quote_via=urllib.parse.quote) if params else ""


def etag(answer):
    return answer.headers.get("etag")


# ---------------------------------------------------------------------------------------------
# Results

class Results:
    def __init__(self):
        self.sent = 0
        self.failures = []
        self.lock = threading.Lock()
        self.accepted = 0

    def record(self, method, path, field, kind, answer, expect, role):
        """Judges one answer; returns True for a 2xx (the request wrote, if it was a write)."""
        failure = None
        s = answer.status
        body = answer.json if isinstance(s, int) else None
        code = body.get("code") if isinstance(body, dict) else None
        named = named_fields(body)
        if s in ("timeout", "dropped"):
            failure = s
        elif 200 <= s < 300:
            if expect == "bad":
                failure = "accepted"
        elif 400 <= s < 500:
            if not answer.problem or not isinstance(body, dict):
                failure = "not-problem+json"
            elif kind in DOCUMENT_LEVEL:
                pass  # the JSON reader refuses the whole document before any field exists
            elif code == "malformed_request" and "headers" in named and field[:1].isupper():
                pass  # the HTTP parser refuses a header with a NUL before any header has a name
            elif expect == "bad" and not names(named, field):
                failure = "field-not-named"
            elif expect == "ok" and not named:
                failure = "no-field-named"
        else:
            failure = f"status-{s}"
        with self.lock:
            self.sent += 1
            if isinstance(s, int) and 200 <= s < 300:
                self.accepted += 1
            if failure:
                who = "" if role == "admin" else f" [{role}]"
                self.failures.append(
                    f"{method} {path} {field} {kind} {s} code={code or '-'} field={','.join(named) or '-'}"
                    f" ({failure}){who}")
        if VERBOSE:
            print(f"  {method} {path} {field} {kind} -> {s} {code} {named}")
        return isinstance(s, int) and 200 <= s < 300

    def fail(self, line):
        with self.lock:
            self.failures.append(line)


# Values a JSON reader refuses for the whole document (a lone surrogate is not Unicode text).
DOCUMENT_LEVEL = {"lone-surrogate"}


def named_fields(body):
    if not isinstance(body, dict):
        return []
    out = []
    if isinstance(body.get("field"), str):
        out.append(body["field"])
    for e in body.get("errors") or []:
        if isinstance(e, dict) and isinstance(e.get("field"), str) and e["field"] not in out:
            out.append(e["field"])
    return out


def names(named, field):
    """A problem names a field when it gives its path, or a path inside it."""
    return any(n == field or n.startswith(field + ".") or n.startswith(field + "[") for n in named)


R = Results()


# ---------------------------------------------------------------------------------------------
# The world the requests run in: demo ids, fresh identifiers, records made for the test.

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_rand = random.Random(20250922 + os.getpid())
_counter = [0]
_counter_lock = threading.Lock()


def serial():
    with _counter_lock:
        _counter[0] += 1
        return f"{os.getpid() % 10000:04d}{_counter[0]:05d}{_rand.randrange(1000):03d}"


def credit_code():
    prefix = "91500102" + "".join(_rand.choice(ALPHABET) for _ in range(9))
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(prefix, CC_WEIGHTS))
    return prefix + ALPHABET[(31 - total % 31) % 31]


def patent_number(year, kind):
    digits = f"{year}{kind}{_rand.randrange(10**7):07d}"
    total = sum(int(d) * w for d, w in zip(digits, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]))
    r = total % 11
    return f"{digits}.{'X' if r == 10 else r}"


def add_months(day, months):
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    return datetime.date(y, m, min(day.day, 28))


class World:
    def __init__(self):
        self.admin = login("demo-admin")
        answer = call("POST", "/auth/login", {"login": "demo-bank", "password": PASSWORD})
        result = must(answer, "login demo-bank")
        self.bank_token, self.bank_id = result["token"], result["user"]["bankId"]
        self.ops = login("demo-ops")
        self.industry = must(call("GET", "/industries", token=self.admin), "industries")["items"][0]["code"]
        firms = must(call("GET", "/firms?limit=20", token=self.admin), "firms")["items"]
        self.firm_id = firms[0]["id"]
        marks = must(call("GET", "/assets?type=gi_collective_mark&limit=1", token=self.admin), "GI marks")["items"]
        self.mark_id = marks[0]["id"] if marks else 1
        owner = marks[0].get("firmId") if marks else None
        self.licensee_id = next(f["id"] for f in firms if f["id"] != owner)  # the owner cannot license itself
        assets = must(call("GET", f"/assets?firmId={self.firm_id}&limit=5", token=self.admin), "assets")["items"]
        self.firm_asset_id = assets[0]["id"] if assets else 1
        products = must(call("GET", "/products?limit=200", token=self.admin), "products")["items"]
        self.products = [p for p in products if p["bankId"] == self.bank_id]
        self.bank_product = self.products[0]
        self.candidates = []
        for p in self.products:
            page = call("GET", f"/products/{p['id']}/candidates?limit=100", token=self.bank_token).json or {}
            self.candidates += [(p, c) for c in page.get("items", [])]
        if not self.candidates:
            sys.exit("hostile-input: setup failed: the demo bank's products have no candidates")
        self.next_candidate = 0
        self.lock = threading.Lock()

    # Fresh, valid bodies (unique identifiers each time, so a valid mutation never clashes).
    def firm(self):
        return {"creditCode": credit_code(), "name": f"敌意输入测试企业{serial()}", "industryCode": self.industry,
                "town": "江北街道", "size": "small", "foundedOn": "2015-03-01", "annualRevenueFen": 500000000,
                "rdExpenseFen": 30000000, "totalAssetsFen": 800000000, "totalLiabilitiesFen": 200000000,
                "employees": 80, "highTech": True, "specialized": False, "ipDemonstration": False, "badCredit": False}

    def asset(self, firm_id=None):
        return {"firmId": firm_id or self.firm_id, "type": "invention", "number": patent_number(2020, 1),
                "title": f"一种榨菜脱盐装置{serial()}", "filingDate": "2020-05-01", "grantDate": "2022-01-10",
                "legalStatus": "in_force", "renewalCount": 0, "ipcClasses": ["A23L19/20"],
                "indicators": {"claims": 10, "forwardCitations": 3, "familySize": 2, "licences": 1, "litigations": 0},
                "coOwners": [{"name": "重庆某大学", "creditCode": credit_code(), "shareBp": 2000, "consentToPledge": True}]}

    def valuation(self, asset_id=None):
        return {"assetId": asset_id or self.firm_asset_id, "appraiser": "重庆某资产评估有限公司", "method": "income",
                "valueFen": 300000000, "valuationDate": str(TODAY - datetime.timedelta(days=30)),
                "validUntil": str(TODAY + datetime.timedelta(days=300)), "reportNumber": f"渝评报字{serial()}"}

    def bank(self):
        return {"code": f"HB{serial()}"[:16], "name": f"敌意测试银行{serial()}"}

    def product(self):
        return {"bankId": self.bank_id, "code": f"HP{serial()}", "name": f"敌意测试涪知贷{serial()}",
                "ipTerms": [{"ipType": "invention", "loanToValueBp": 4000, "minRemainingLifeMonths": 60},
                            {"ipType": "trademark", "loanToValueBp": 3000, "minRemainingLifeMonths": 0}],
                "minAmountFen": 50000000, "maxAmountFen": 3000000000, "minTermMonths": 6, "maxTermMonths": 36,
                "rateSpreadBp": 50, "eligibleIndustries": [self.industry], "valuationValidityMonths": 12,
                "minYearsOperating": 2, "minTrademarkUseYears": 2, "interestSubsidyShareBp": 5000,
                "subsidyCapFen": 1000000, "riskFundShareBp": 5400,
                "scoreWeights": {"ipValue": 30, "coverage": 25, "firmStrength": 20, "strategicFit": 15, "risk": 10}}

    def target(self):
        return {"name": f"敌意测试目标{serial()}", "baselineDate": "2025-09-22", "deadline": "2031-12-31",
                "amountFen": 120000000000, "firmCount": 50}

    def candidate(self):
        with self.lock:
            p, c = self.candidates[self.next_candidate % len(self.candidates)]
            self.next_candidate += 1
        return p, c

    def application(self):
        p, c = self.candidate()
        amount = max(p["minAmountFen"], min(c["capacityFen"], p["maxAmountFen"]) // 4)
        return {"firmId": c["firmId"], "productId": p["id"], "amountFen": amount, "termMonths": p["minTermMonths"],
                "note": "敌意输入测试"}

    def licence(self):
        return {"firmId": self.licensee_id, "markAssetId": self.mark_id, "licenceNumber": f"FL-{serial()}",
                "validFrom": str(TODAY - datetime.timedelta(days=10)), "validUntil": str(TODAY + datetime.timedelta(days=700))}

    def user(self):
        return {"login": f"hostile-{serial()}", "displayName": "敌意测试用户", "role": "operations",
                "password": "hostile-input-password"}

    def what_if(self):
        return {"productId": self.bank_product["id"], "amountFen": 50000000, "termMonths": 12,
                "valuations": [{"assetId": self.firm_asset_id, "valueFen": 300000000,
                                "valuationDate": str(TODAY - datetime.timedelta(days=10)),
                                "validUntil": str(TODAY + datetime.timedelta(days=300))}],
                "newAssets": [{"type": "invention", "number": patent_number(2021, 1), "title": "假设的新专利",
                               "filingDate": "2021-03-01", "grantDate": "2023-03-01", "legalStatus": "in_force",
                               "valueFen": 200000000, "valuationDate": str(TODAY - datetime.timedelta(days=5)),
                               "validUntil": str(TODAY + datetime.timedelta(days=300)),
                               "indicators": {"claims": 8}, "ipcClasses": ["H01M10/05"]}]}

    # Applications in a given state, made on demand (a valid mutation consumes one).
    def new_application(self, state):
        for _ in range(len(self.candidates)):
            body = self.application()
            answer = call("POST", "/applications", body, token=self.ops)
            if answer.status != 201:
                continue
            app = answer.json
            steps = {"draft": [], "submitted": [("submit", self.ops)],
                     "under_review": [("submit", self.ops), ("start_review", self.bank_token)],
                     "approved": [("submit", self.ops), ("start_review", self.bank_token),
                                  ("approve", self.bank_token)]}[state]
            ok = True
            for action, who in steps:
                answer = call("POST", f"/applications/{app['id']}/transitions", {"action": action}, token=who,
                              headers={"If-Match": f'"{app["version"]}"'})
                if answer.status != 200:
                    ok = False
                    break
                app = answer.json
            if ok:
                return app
        sys.exit(f"hostile-input: setup failed: could not make an application in state {state}")

    def disbursement(self):
        return {"maturityOn": str(add_months(TODAY, self.bank_product["minTermMonths"])), "rateBp": 345,
                "registrationNumber": f"渝知质登-{serial()}", "registeredOn": str(TODAY),
                "disbursedAt": None, "securedAmountFen": None}

    def new_loan(self):
        app = self.new_application("approved")
        body = self.disbursement()
        body["maturityOn"] = str(add_months(TODAY, 12))
        answer = call("POST", f"/applications/{app['id']}/disbursement", body, token=self.bank_token,
                      headers={"If-Match": f'"{app["version"]}"'})
        return must(answer, "disburse a loan for the loan groups")


# ---------------------------------------------------------------------------------------------
# Counting rows: the list endpoints, archived and disabled records included.

def count(path, token, extra=None):
    total, cursor = 0, None
    for _ in range(1000):
        params = dict(extra or {}, limit=200)
        if cursor:
            params["cursor"] = cursor
        answer = call("GET", path + q(params), token=token, timeout=30)
        if answer.status != 200:
            return f"?{answer.status}"
        page = answer.json
        total += len(page["items"])
        cursor = page.get("nextCursor")
        if not cursor:
            return total
    return total


COLLECTIONS = {
    "firms": ("/firms", {"includeArchived": "true"}), "assets": ("/assets", {"includeArchived": "true"}),
    "valuations": ("/valuations", {"includeArchived": "true"}), "banks": ("/banks", {"includeArchived": "true"}),
    "products": ("/products", {"includeArchived": "true"}), "targets": ("/targets", {"includeArchived": "true"}),
    "applications": ("/applications", {}), "loans": ("/loans", {}),
    "licences": ("/licences", {"includeArchived": "true"}), "users": ("/users", {"includeDisabled": "true"}),
    "tokens": ("/tokens", {"includeRevoked": "true"}),
}


def counts(world, names_):
    out = {}
    for n in names_:
        if n.startswith("consents:"):
            answer = call("GET", f"/firms/{n.split(':')[1]}/consents", token=world.admin)
            out[n] = len(answer.json["items"]) if answer.status == 200 else f"?{answer.status}"
        elif n.startswith("entries:"):
            answer = call("GET", f"/loans/{n.split(':')[1]}", token=world.admin)
            out[n] = len((answer.json or {}).get("entries", [])) if answer.status == 200 else f"?{answer.status}"
        else:
            path, extra = COLLECTIONS[n]
            out[n] = count(path, world.admin, extra)
    return out


def alive(group):
    answer = call("GET", "/healthz", timeout=TIMEOUT)
    if answer.status != 200:
        R.fail(f"GET /healthz after {group}: {answer.status} (the process no longer answers)")
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Operations

def operation(op_id):
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == op_id:
                params = [resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                return method.upper(), path, params, resolve(body) if body else None, op
    raise KeyError(op_id)


def fill(path, values):
    for k, v in values.items():
        path = path.replace("{" + k + "}", urllib.parse.quote(str(v), safe=""))
    return path


def int_param_values(schema, real=None):
    out = [("zero", "0"), ("minus-one", "-1"), ("2^63", "9223372036854775808"), ("abc", "abc"), ("half", "0.5"),
           ("empty", ""), ("plus-sign", f"+{real or 1}"), ("leading-zeros", f"00{real or 1}"),
           ("-2^63-1", "-9223372036854775809"),
           ("nul", "1\u0000"), ("unicode-digit", "\u0661")]
    if "maximum" in schema:
        out.append(("max+1", str(schema["maximum"] + 1)))
    return out


def param_values(schema, real=None):
    """(kind, text) for a path or query parameter; the text is sent percent-encoded. `real` is the
    valid value the request would carry (leading zeros and a plus sign are tried on it)."""
    schema = resolve(schema)
    types = types_of(schema)
    if "integer" in types:
        return int_param_values(schema, real)
    if "number" in types:
        return [("minus-one", "-1"), ("max+1", str(schema.get("maximum", 100) + 1)), ("abc", "abc"),
                ("nan", "NaN"), ("inf", "Infinity"), ("1e309", "1e309"), ("half", "0.5"), ("empty", "")]
    if "boolean" in types:
        return [("abc", "abc"), ("one", "1"), ("upper-TRUE", "TRUE"), ("empty", "")]
    if "array" in types:
        item = resolve(schema["items"])
        return [("abc", ["abc"]), ("over-maxItems", [item["enum"][0]] * (schema.get("maxItems", 6) + 1))]
    if "enum" in schema:
        return [("abc", "abc"), ("empty", ""), ("upper-case", str(schema["enum"][0]).upper()), ("nul", "a\u0000")]
    if schema.get("format") == "date":
        return [(k, v) for k, v in DATES if isinstance(v, str)]
    out = [(k, v) for k, v in text_values(schema) if isinstance(v, str) and k != "lone-surrogate"]
    out += [("abc", "abc"), ("percent", "%"), ("like-wildcards", "%_\\")]
    return out


def param_expectation(schema, text):
    """Whether a parameter's text is a valid value of its schema."""
    schema = resolve(schema)
    types = types_of(schema)
    if isinstance(text, list):
        return expectation(schema, text)
    if "integer" in types:
        if not re.fullmatch(r"-?[0-9]+", text):
            return "bad"
        return expectation(schema, int(text))
    if "number" in types:
        try:
            value = float(text)
        except ValueError:
            return "bad"
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", text) or value in (float("inf"), float("-inf")):
            return "bad"
        return expectation(schema, value)
    if "boolean" in types:
        return "ok" if text in ("true", "false") else "bad"
    return expectation(schema, text)


def run_params(world, op_id, token, role, path_values, query=None, headers=None, body_factory=None,
               group_counts=(), after=None, creates=True):
    """Mutates each path and query parameter of an operation, one at a time; the others valid."""
    method, template, params, schema, _ = operation(op_id)
    query = dict(query or {})
    jobs = []
    for p in params:
        if p["in"] not in ("path", "query"):
            continue
        real = path_values.get(p["name"]) if p["in"] == "path" else query.get(p["name"])
        for kind, text in param_values(p.get("schema", {}), real):
            pv = dict(path_values)
            qv = dict(query)
            if p["in"] == "path":
                if isinstance(text, list) or text == "":
                    continue  # an empty segment is another route (/firms/ is the list), not a bad id
                pv[p["name"]] = text
            else:
                qv[p["name"]] = text
            jobs.append((p["name"], kind, fill(template, pv) + q(qv), param_expectation(p.get("schema", {}), text)))
    before = counts(world, group_counts) if group_counts else None
    writes = [0]

    def one(job):
        name, kind, url, exp = job
        body = body_factory() if body_factory else None
        hdrs = dict(headers() if callable(headers) else (headers or {}))
        answer = call(method, url, body, token=token, headers=hdrs)
        if R.record(method, template, name, kind, answer, exp, role) and method != "GET":
            writes[0] += 1
            if after:
                after(answer)

    sequential = method in ("PUT", "DELETE") or (method == "POST" and after is not None)
    if sequential:
        for job in jobs:
            one(job)
    else:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(one, jobs))
    check_group(world, f"{op_id} parameters ({role})", before, group_counts, writes[0] if method == "POST" and creates else 0)


def check_group(world, group, before, group_counts, created):
    if not alive(group):
        finish(aborted=True)
    if before is None:
        return
    after = counts(world, group_counts)
    for n in group_counts:
        if isinstance(before[n], int) and isinstance(after[n], int):
            if after[n] - before[n] != created:
                R.fail(f"{group}: {n} went from {before[n]} to {after[n]} with {created} accepted creations")
        else:
            R.fail(f"{group}: could not count {n}: {before[n]} / {after[n]}")
    print(f"  {group}: {', '.join(f'{n} {before[n]}->{after[n]}' for n in group_counts)}; {created} accepted")


def run_body(world, op_id, token, role, path_values, factory, group_counts, headers=None, creates=True,
             consume=None, query=None):
    """Mutates each body field of an operation, one at a time, on a fresh valid body.
    consume: for operations whose success uses up their target (an application disbursed ...):
    a function called after each 2xx that returns the path values for the next request."""
    method, template, params, schema, _ = operation(op_id)
    base = factory()
    mutations = field_mutations(schema, base)
    before = counts(world, group_counts) if group_counts else None
    created = [0]
    state = {"path": dict(path_values)}

    def one(m):
        field, kind, body, exp = m
        # Fresh identifiers on every request: refresh the baseline's unique fields that were not mutated.
        fresh = factory()
        body = refresh(body, base, fresh, field)
        hdrs = dict(headers() if callable(headers) else (headers or {}))
        answer = call(method, fill(template, state["path"]) + q(query or {}), body, token=token, headers=hdrs)
        if R.record(method, template, field, kind, answer, exp, role):
            created[0] += 1
            if consume:
                state["path"] = consume(answer)

    if consume or method != "POST":
        for m in mutations:
            one(m)
    else:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(one, mutations))
    check_group(world, f"{op_id} body ({role})", before, group_counts, created[0] if creates else 0)
    return created[0]


UNIQUE = {"creditCode", "name", "number", "title", "reportNumber", "code", "licenceNumber", "login"}


def refresh(body, base, fresh, mutated_field):
    """The mutated body with the unique identifiers of a fresh baseline, except the mutated field."""
    out = dict(body)
    top = re.split(r"[.\[]", mutated_field)[0]
    for k in UNIQUE:
        if k in out and k != top and k in fresh and out[k] == base.get(k):
            out[k] = fresh[k]
    if "coOwners" in out and top != "coOwners" and isinstance(fresh.get("coOwners"), list):
        out["coOwners"] = fresh["coOwners"]
    return out


# ---------------------------------------------------------------------------------------------
# PUT: the record's current state (GET), its ETag in If-Match, one field changed at a time.

def run_put(world, get_op, put_op, record_id, id_name, factory, group_counts):
    method, template, params, schema, _ = operation(put_op)
    path = fill(template, {id_name: record_id})
    current = must(call("GET", path, token=world.admin), f"{get_op} {record_id}")
    version = [etag(call("GET", path, token=world.admin))]
    props = schema["properties"]
    base = {k: v for k, v in current.items() if k in props and v is not None}
    check = call("PUT", path, base, token=world.admin, headers={"If-Match": version[0]})
    if check.status != 200:
        # The representation is not an input (derived fields, other names): use a fresh valid body.
        base = factory()
        check = call("PUT", path, base, token=world.admin, headers={"If-Match": version[0]})
        if check.status != 200:
            R.fail(f"PUT {template}: a valid baseline body was refused: {check.status} {check.data[:200]!r}")
            return
    version[0] = etag(check)
    mutations = field_mutations(schema, base)
    before = counts(world, group_counts)
    for field, kind, body, exp in mutations:
        fresh = factory()
        body = refresh(body, base, fresh, field)
        answer = call("PUT", path, body, token=world.admin, headers={"If-Match": version[0]})
        if R.record("PUT", template, field, kind, answer, exp, "admin"):
            version[0] = etag(answer) or etag(call("GET", path, token=world.admin))
    now = call("GET", path, token=world.admin)
    if etag(now) != version[0]:
        R.fail(f"PUT {template}: the version moved from {version[0]} to {etag(now)} without an accepted change")
    # If-Match itself: a missing, garbled, stale or oversized version.
    for kind, value, exp in [("absent", None, "bad"), ("empty", "", "bad"), ("unquoted-abc", "abc", "bad"),
                             ("stale", '"1"' if version[0] != '"1"' else '"2"', "bad"),
                             ("2^63", '"9223372036854775808"', "bad"), ("negative", '"-1"', "bad"),
                             ("over-maxLength", '"' + "9" * 70 + '"', "bad"), ("wildcard", "*", "ok"),
                             ("weak", "W/" + (version[0] or '"1"'), "ok"), ("nul", '"1\x00"', "bad")]:
        hdrs = {} if value is None else {"If-Match": value}
        answer = call("PUT", path, refresh(base, base, factory(), ""), token=world.admin, headers=hdrs)
        if R.record("PUT", template, "If-Match", kind, answer, exp, "admin"):
            version[0] = etag(answer) or etag(call("GET", path, token=world.admin))
    check_group(world, f"{put_op} body ({len(mutations)} changes)", before, group_counts, 0)


def delete_checks(world, op_id, path_values, id_name, group_counts, if_match=True):
    """A DELETE: for a real record hostile If-Match values, then hostile ids in the path (a valid
    spelling of the real id, such as leading zeros, archives it)."""
    method, template, params, schema, _ = operation(op_id)
    path = fill(template, path_values)
    if if_match:
        for kind, value in [("unquoted-abc", "abc"), ("2^63", '"9223372036854775808"'),
                            ("over-maxLength", '"' + "9" * 70 + '"'), ("nul", '"1\x00"'), ("stale", '"999999"')]:
            answer = call("DELETE", path, token=world.admin, headers={"If-Match": value})
            R.record("DELETE", template, "If-Match", kind, answer, "bad", "admin")
    run_params(world, op_id, world.admin, "admin", path_values, group_counts=group_counts)


def idempotency_key_checks(world, op_id, path_values, factory, token, role):
    """The Idempotency-Key header: empty, spaces, non-ASCII, over 255 characters."""
    method, template, _, _, _ = operation(op_id)
    path = fill(template, path_values)
    for kind, value in [("empty", ""), ("spaces", "a b"), ("non-ascii", "键".encode("utf-8")),
                        ("latin1", b"caf\xe9"), ("over-maxLength", "k" * 256), ("control", "a\x01b")]:
        answer = call(method, path, factory(), token=token, headers={"Idempotency-Key": value})
        R.record(method, template, "Idempotency-Key", kind, answer, "bad", role)


# ---------------------------------------------------------------------------------------------

START = time.monotonic()


def finish(aborted=False):
    print()
    for line in R.failures:
        print("FAIL " + line)
    if R.failures:
        kinds = {}
        for line in R.failures:
            m = re.search(r" (\S+) code=(\S+) field=\S+ \(([^)]+)\)", line)
            key = f"{m.group(3)} {m.group(1)} {m.group(2)}" if m else line.split(":")[0]
            kinds[key] = kinds.get(key, 0) + 1
        print("\nfailures by kind (reason, status, code):")
        for key, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print(f"  {n:5d}  {key}")
    if aborted:
        print("hostile-input: the server stopped answering or the setup failed; the run was cut short")
    print(f"requests sent: {R.sent} ({R.accepted} accepted) in {time.monotonic() - START:.0f} s")
    print(f"hostile-input: {R.sent} requests, {len(R.failures)} failures")
    sys.exit(1 if R.failures or aborted else 0)


def main():
    try:
        run_all()
    except SetupFailed as e:
        R.fail(str(e))
        finish(aborted=not alive("setup"))
    finish()


def run_all():
    w = World()
    admin, bank = w.admin, w.bank_token
    print(f"hostile-input against {BASE}: firm {w.firm_id}, bank {w.bank_id}, product {w.bank_product['id']}")

    # Firms
    run_body(w, "createFirm", admin, "admin", {}, w.firm, ["firms"])
    firm = must(call("POST", "/firms", w.firm(), token=admin), "create a firm for PUT")
    run_put(w, "getFirm", "updateFirm", firm["id"], "firmId", w.firm, ["firms"])
    run_params(w, "getFirm", admin, "admin", {"firmId": firm["id"]})
    run_params(w, "getFirm", bank, "bank", {"firmId": w.candidates[0][1]["firmId"]})  # a firm it may see
    run_params(w, "listFirms", admin, "admin", {})
    idempotency_key_checks(w, "createFirm", {}, w.firm, admin, "admin")

    # Assets
    run_body(w, "createAsset", admin, "admin", {}, lambda: w.asset(firm["id"]), ["assets"])
    asset = must(call("POST", "/assets", w.asset(firm["id"]), token=admin), "create an asset for PUT")
    run_put(w, "getAsset", "updateAsset", asset["id"], "assetId", lambda: w.asset(firm["id"]), ["assets"])
    run_params(w, "getAsset", admin, "admin", {"assetId": asset["id"]})
    run_params(w, "listAssets", admin, "admin", {})

    # Valuations
    run_body(w, "createValuation", admin, "admin", {}, lambda: w.valuation(asset["id"]), ["valuations"])
    val = must(call("POST", "/valuations", w.valuation(asset["id"]), token=admin), "create a valuation for PUT")
    run_put(w, "getValuation", "updateValuation", val["id"], "valuationId", lambda: w.valuation(asset["id"]),
            ["valuations"])
    run_params(w, "getValuation", admin, "admin", {"valuationId": val["id"]})
    run_params(w, "listValuations", admin, "admin", {})

    # Banks
    run_body(w, "createBank", admin, "admin", {}, w.bank, ["banks"])
    bank_rec = must(call("POST", "/banks", w.bank(), token=admin), "create a bank for PUT")
    run_put(w, "getBank", "updateBank", bank_rec["id"], "bankId", w.bank, ["banks"])
    run_params(w, "getBank", admin, "admin", {"bankId": bank_rec["id"]})
    run_params(w, "getBank", bank, "bank", {"bankId": w.bank_id})
    run_params(w, "listBanks", bank, "bank", {})

    # Products
    run_body(w, "createProduct", admin, "admin", {}, w.product, ["products"])
    prod = must(call("POST", "/products", w.product(), token=admin), "create a product for PUT")
    run_put(w, "getProduct", "updateProduct", prod["id"], "productId", w.product, ["products"])
    run_params(w, "getProduct", admin, "admin", {"productId": prod["id"]})
    run_params(w, "getProduct", bank, "bank", {"productId": w.bank_product["id"]})
    run_params(w, "listProducts", admin, "admin", {})
    run_params(w, "listProducts", bank, "bank", {})

    # Targets
    run_body(w, "createTarget", admin, "admin", {}, w.target, ["targets"])
    tgt = must(call("POST", "/targets", w.target(), token=admin), "create a target for PUT")
    run_put(w, "getTarget", "updateTarget", tgt["id"], "targetId", w.target, ["targets"])
    run_params(w, "getTarget", admin, "admin", {"targetId": tgt["id"]})
    run_params(w, "getTarget", bank, "bank", {"targetId": tgt["id"]})

    # Matching
    pid, fid = w.bank_product["id"], w.candidates[0][1]["firmId"]
    run_params(w, "listFirmMatches", admin, "admin", {"firmId": fid}, {"asOf": str(TODAY), "amountFen": 50000000,
                                                                       "termMonths": 12})
    run_params(w, "getMatch", admin, "admin", {"firmId": fid, "productId": pid}, {"asOf": str(TODAY)})
    run_params(w, "listCandidates", admin, "admin", {"productId": pid})
    run_params(w, "listCandidates", bank, "bank", {"productId": pid})
    run_params(w, "exportCandidates", bank, "bank", {"productId": pid})
    run_params(w, "getBatchCredit", admin, "admin", {"productId": pid}, {"markAssetId": w.mark_id})
    run_body(w, "whatIf", admin, "admin", {"firmId": w.firm_id}, w.what_if, ["assets", "valuations"], creates=False)
    run_params(w, "whatIf", admin, "admin", {"firmId": w.firm_id}, {"asOf": str(TODAY)}, body_factory=w.what_if,
               group_counts=["assets", "valuations"], creates=False)

    # Licences (the GI collective mark)
    run_body(w, "createLicence", admin, "admin", {}, w.licence, ["licences"])
    run_params(w, "listLicences", admin, "admin", {})

    # Applications and their moves
    run_body(w, "createApplication", admin, "admin", {}, w.application, ["applications"])
    run_params(w, "listApplications", admin, "admin", {})
    run_params(w, "listApplications", bank, "bank", {})
    app = w.new_application("draft")
    run_params(w, "getApplication", bank, "bank", {"applicationId": app["id"]})

    def draft_target():
        a = w.new_application("draft")
        holder["version"] = a["version"]
        return {"applicationId": a["id"]}
    holder = {"version": app["version"]}
    run_body(w, "transitionApplication", admin, "admin", {"applicationId": app["id"]},
             lambda: {"action": "submit", "reason": "敌意输入测试"}, [], consume=lambda a: draft_target(),
             headers=lambda: {"If-Match": f'"{holder["version"]}"'}, creates=False)
    sub = w.new_application("submitted")
    holder["version"] = sub["version"]

    def submitted_target():
        a = w.new_application("submitted")
        holder["version"] = a["version"]
        return {"applicationId": a["id"]}
    run_body(w, "transitionApplication", bank, "bank", {"applicationId": sub["id"]},
             lambda: {"action": "start_review", "reason": "敌意输入测试"}, [], consume=lambda a: submitted_target(),
             headers=lambda: {"If-Match": f'"{holder["version"]}"'}, creates=False)
    run_params(w, "transitionApplication", bank, "bank", {"applicationId": sub["id"]},
               body_factory=lambda: {"action": "withdraw"}, headers=lambda: {"If-Match": f'"{holder["version"]}"'},
               after=lambda a: submitted_target())

    # Disbursement (the bank officer): an approved application per accepted request
    approved = w.new_application("approved")
    holder["version"] = approved["version"]

    def approved_target():
        a = w.new_application("approved")
        holder["version"] = a["version"]
        return {"applicationId": a["id"]}
    run_body(w, "disburseApplication", bank, "bank", {"applicationId": approved["id"]}, w.disbursement, ["loans"],
             consume=lambda a: approved_target(), headers=lambda: {"If-Match": f'"{holder["version"]}"'})

    # Loans: entries and renewals
    loan = w.new_loan()
    run_params(w, "getLoan", bank, "bank", {"loanId": loan["id"]})
    run_params(w, "listLoans", bank, "bank", {})
    run_params(w, "listLoans", admin, "admin", {})
    entry = lambda: {"kind": "repayment", "amountFen": 100, "effectiveOn": str(TODAY), "interestFen": 10,
                     "reason": "敌意输入测试", "correctsId": None}
    run_body(w, "addLoanEntry", bank, "bank", {"loanId": loan["id"]}, entry, [f"entries:{loan['id']}"])
    loan_holder = {"id": loan["id"]}

    def renewed(answer):
        loan_holder["id"] = (answer.json or {}).get("id", loan_holder["id"])
        return {"loanId": loan_holder["id"]}
    renewal = lambda: {"principalFen": 10000000, "maturityOn": str(add_months(TODAY, 24)), "rateBp": 350,
                       "reason": "敌意输入测试续贷", "disbursedAt": None}
    run_body(w, "renewLoan", bank, "bank", {"loanId": loan["id"]}, renewal, [], consume=renewed, creates=False)

    # History, alerts, reports
    run_params(w, "getHistory", admin, "admin", {"entity": "firm", "entityId": firm["id"]})
    run_params(w, "listAlerts", admin, "admin", {})
    run_params(w, "listAlerts", bank, "bank", {})
    for op in ("getProgressReport", "exportProgressReport"):
        run_params(w, op, admin, "admin", {})
    for op in ("getMonthlyReport", "exportMonthlyReport"):
        run_params(w, op, admin, "admin", {}, {"from": "2025-09", "to": "2026-08"})
    for op in ("getCostReport", "exportCostReport"):
        run_params(w, op, admin, "admin", {}, {"from": "2026-01", "to": "2026-12"})

    # Users, tokens, consents
    run_body(w, "createUser", admin, "admin", {}, w.user, ["users"])
    run_params(w, "listUsers", admin, "admin", {})
    token_body = lambda: {"name": f"hostile-{serial()}", "expiresInDays": 30, "userId": None}
    run_body(w, "createToken", admin, "admin", {}, token_body, ["tokens"])
    run_body(w, "createToken", bank, "bank", {}, token_body, [])
    run_params(w, "listTokens", bank, "bank", {})
    consent = lambda: {"bankId": w.bank_id, "evidence": f"授权书-{serial()}", "grantedOn": str(TODAY - datetime.timedelta(days=3))}
    run_body(w, "recordConsent", admin, "admin", {"firmId": firm["id"]}, consent, [f"consents:{firm['id']}"])
    run_params(w, "recordConsent", admin, "admin", {"firmId": firm["id"]}, body_factory=consent,
               group_counts=[f"consents:{firm['id']}"])
    run_params(w, "listConsents", admin, "admin", {"firmId": firm["id"]})

    # Deletes last: hostile ids, then hostile If-Match values on the records made above.
    lic = must(call("POST", "/licences", w.licence(), token=admin), "create a licence")
    user = must(call("POST", "/users", w.user(), token=admin), "create a user")
    tok = must(call("POST", "/tokens", token_body(), token=bank), "create a token")
    con = must(call("POST", f"/firms/{firm['id']}/consents", consent(), token=admin), "record a consent")
    delete_checks(w, "archiveLicence", {"licenceId": lic["id"]}, "licenceId", ["licences"], if_match=False)
    delete_checks(w, "disableUser", {"userId": user["id"]}, "userId", ["users"], if_match=False)
    run_params(w, "revokeToken", bank, "bank", {"tokenId": tok["details"]["id"]}, group_counts=["tokens"])
    delete_checks(w, "withdrawConsent", {"firmId": firm["id"], "consentId": con["id"]}, "consentId",
                  [f"consents:{firm['id']}"], if_match=False)
    delete_checks(w, "archiveValuation", {"valuationId": val["id"]}, "valuationId", ["valuations"])
    delete_checks(w, "archiveAsset", {"assetId": asset["id"]}, "assetId", ["assets"])
    delete_checks(w, "archiveProduct", {"productId": prod["id"]}, "productId", ["products"])
    delete_checks(w, "archiveTarget", {"targetId": tgt["id"]}, "targetId", ["targets"])
    delete_checks(w, "archiveBank", {"bankId": bank_rec["id"]}, "bankId", ["banks"])
    delete_checks(w, "archiveFirm", {"firmId": firm["id"]}, "firmId", ["firms"])

    # Last, since it can take the server down: the GI batch credit once the licence group above has
    # given one licensee several licences of the same mark (all accepted as valid).
    answer = call("GET", f"/products/{pid}/batch-credit?markAssetId={w.mark_id}", token=admin)
    R.record("GET", "/products/{productId}/batch-credit", "-", "after-several-licences-per-licensee", answer, "ok",
             "admin")
    alive("the batch credit after the licences")


main()
