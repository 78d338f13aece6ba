#!/usr/bin/env python3
"""Runs the shell examples of README.md and docs/*.md against a running demo service.

    scripts/readme-examples.py --base-url http://127.0.0.1:18080 [README.md docs/*.md]

The demo service is `pledgematch serve --demo` (or `seed --demo` then `serve`): the examples log in
as the demo accounts with the password `pledgematch-demo`, as a reader would.

Which examples run: every ```sh block holding a request to the service (`curl` or the README's `api`
alias on http://127.0.0.1:8080). Blocks without one (./scripts/start, build and bench commands) are
not examples of the API and are listed as skipped. The blocks of one file run in order in one bash
session, so the README's `TOKEN=...` and `alias api=...` carry over to its later blocks; a docs page
runs after the README's setup lines (the login and the alias), which its blocks refer to.

What each request must answer is written after it, in its comment, as `→ STATUS FIELD`:
    api http://127.0.0.1:8080/targets   # → 200 .items[0].targetAmountFen  the targets
FIELD is a JSON path that must be present and not null (`.items[0].id`), optionally with a value
(`.code=idempotency_key_required`), or for a non-JSON answer a "quoted text" it must contain.
A request without `→` fails the run: an example nobody checks is an example that can rot.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

DOC_URL = "http://127.0.0.1:8080"
REQUEST = re.compile(r"(^|[\s$(|;&])(curl|api)\s")
EXPECT = re.compile(r"→\s*(\d{3})(?:\s+(\"[^\"]*\"|\.[^\s]+))?")


def blocks(path):
    """The ```sh blocks of a Markdown file: (first line number, [lines])."""
    out, current, start = [], None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if current is None and re.match(r"^```(sh|bash|shell)\s*$", line):
            current, start = [], number + 1
        elif current is not None and line.startswith("```"):
            out.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    return out


def commands(start, lines):
    """Logical commands (backslash continuations joined) with their line numbers."""
    out, pending, first = [], [], None
    for offset, line in enumerate(lines):
        if first is None:
            first = start + offset
        pending.append(line)
        if line.rstrip().endswith("\\"):
            continue
        out.append((first, "\n".join(pending)))
        pending, first = [], None
    if pending:
        out.append((first, "\n".join(pending)))
    return out


def comment_of(command):
    """The trailing comment of a command's last line: from a '#' that starts a word outside quotes."""
    last = command.splitlines()[-1]
    quote, prev = None, " "
    for i, ch in enumerate(last):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and prev.isspace():
            return last[i + 1:]
        prev = ch
    return ""


def is_request(command):
    """A call of curl (or the README's api alias) on the documented service address."""
    lines = command.splitlines()
    comment = comment_of(command)
    lines[-1] = lines[-1][: len(lines[-1]) - len(comment)] if comment else lines[-1]
    code = "\n".join(lines)
    return bool(REQUEST.search(code)) and DOC_URL in code


def check_field(field, body):
    if field.startswith('"'):
        text = body.decode("utf-8", "replace")
        return field[1:-1] in text, "does not contain " + field
    try:
        value = json.loads(body)
    except ValueError:
        return False, "is not JSON, so it has no " + field
    path, _, wanted = field.partition("=")
    for part in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path):
        key, index = part
        try:
            value = value[key] if key else value[int(index)]
        except (KeyError, IndexError, TypeError):
            return False, "has no " + path
    if value is None:
        return False, path + " is null"
    if wanted and str(value if not isinstance(value, bool) else str(value).lower()) != wanted:
        return False, f"{path} is {value!r}, not {wanted}"
    return True, ""


CURL_WRAPPER = r'''
shopt -s expand_aliases
echo 0 > "$__out/count"
# The examples' curl, recorded: status and body of each request land in $__out/N.*; the body still goes
# where the example sends it (its -o file, or standard output). The count is kept in a file because a
# request may run in a subshell (TOKEN=$(curl ...)).
curl() {
    local __n=$(( $(cat "$__out/count") + 1 ))
    echo "$__n" > "$__out/count"
    local args=() target=""
    while [ $# -gt 0 ]; do
        case "$1" in
            -o) target="$2"; shift 2 ;;
            *) args+=("$1"); shift ;;
        esac
    done
    command curl -sS -o "$__out/$__n.body" -w '%{http_code}' "${args[@]}" > "$__out/$__n.status" || true
    if [ -n "$target" ]; then cp "$__out/$__n.body" "$target"; else cat "$__out/$__n.body"; fi
}
'''


def run_file(path, setup, base_url, password, workdir):
    """Runs one file's example blocks in one bash session; returns (checked, failures, skipped)."""
    requests, script, skipped = [], [], []
    for start, lines in blocks(path):
        cmds = commands(start, lines)
        if not any(is_request(c) for _, c in cmds):
            skipped.append(start)
            continue
        for line, cmd in cmds:
            if is_request(cmd):
                requests.append((line, cmd))
            script.append(cmd)
    if not requests:
        return 0, [], skipped
    out = tempfile.mkdtemp(dir=workdir)
    text = "\n".join([CURL_WRAPPER] + setup + script) + "\n"
    text = text.replace(DOC_URL, base_url).replace("pledgematch-demo", password)
    run = subprocess.run(["bash", "-c", text], cwd=out, env=dict(os.environ, __out=out),
                         capture_output=True, timeout=600)
    offset = sum(1 for c in setup if is_request(c))
    failures = []
    made = len([f for f in os.listdir(out) if f.endswith(".status")]) - offset
    if made != len(requests):
        failures.append(f"{path}: {len(requests)} requests in the examples, {made} made\n"
                        + run.stderr.decode("utf-8", "replace")[-2000:])
    for i, (line, cmd) in enumerate(requests, offset + 1):
        where = f"{path}:{line}: {cmd.splitlines()[0].strip()}"
        expect = EXPECT.search(comment_of(cmd))
        if not expect:
            failures.append(f"{where}\n    no expectation: add '# → STATUS FIELD' to its comment")
            continue
        status_file = pathlib.Path(out, f"{i}.status")
        if not status_file.exists():
            continue
        status = status_file.read_text().strip()
        body = pathlib.Path(out, f"{i}.body").read_bytes() if pathlib.Path(out, f"{i}.body").exists() else b""
        if status != expect.group(1):
            failures.append(f"{where}\n    answered {status}, the example says {expect.group(1)}: {body[:400]!r}")
            continue
        if expect.group(2):
            ok, why = check_field(expect.group(2), body)
            if not ok:
                failures.append(f"{where}\n    the answer {why}: {body[:400]!r}")
                continue
        print(f"ok   {path}:{line} {status} {expect.group(2) or ''}")
    return len(requests), failures, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="the demo service, e.g. http://127.0.0.1:18080")
    parser.add_argument("--password", default="pledgematch-demo", help="the demo accounts' password")
    parser.add_argument("files", nargs="*", help="Markdown files (default: README.md and docs/*.md)")
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    os.chdir(root)
    files = [pathlib.Path(f) for f in args.files] or [pathlib.Path("README.md")] + sorted(pathlib.Path("docs").glob("*.md"))
    # The README's setup: the commands of its example blocks that are not requests to check
    # (the login that sets TOKEN, the alias), which the docs pages build on.
    setup = []
    for start, lines in blocks(pathlib.Path("README.md")):
        for _, cmd in commands(start, lines):
            stripped = cmd.strip()
            if stripped.startswith("TOKEN=") or stripped.startswith("alias "):
                setup.append(cmd)
    total, failures = 0, []
    with tempfile.TemporaryDirectory(prefix="readme-examples.") as workdir:
        for path in files:
            own_setup = [] if path.name == "README.md" and path.parent == pathlib.Path(".") else setup
            checked, failed, skipped = run_file(path, own_setup, args.base_url.rstrip("/"), args.password, workdir)
            total += checked
            failures += failed
            for start in skipped:
                print(f"skip {path}:{start} (no request to the service: not an API example)")
    for f in failures:
        print("FAIL " + f)
    print(f"README examples: {total} requests, {len(failures)} failed")
    if total == 0:
        print("no examples found")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
