"""The interop matrix: real PyPI OneRoster clients against the reference server (`nox -s interop`).

Each client gets its own venv (created once under --workdir, the pinned version installed from
PyPI), a fresh reference server, and its driver (`driver_*.py` here, run with that venv's Python,
printing one JSON line per call with every HTTP exchange). This script, run in the kit's own
environment, judges each exchange against `openapi.yaml` (`oneroster_kit.contract`) and prints:
call -> HTTP status -> did the client accept the answer -> which rule of openapi.yaml the client
or the server broke. A client whose interpreter cannot be found is skipped with a message.

Usage: python scripts/interop/run.py [--workdir DIR] [--json FILE] [--save-records FILE]
       python scripts/interop/run.py --from-records scripts/interop/recorded.jsonl   (judge a saved run)
Exit code: 0 when the matrix was produced (whatever it says), 2 when no client could run.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oneroster_kit.contract import Operation, operations
from oneroster_kit.known_departures import DEPARTURES, find
from oneroster_kit.server.process import ReferenceServer

HERE = Path(__file__).resolve().parent
TOKEN_PATH = "/oauth2/token"


@dataclass(frozen=True)
class Client:
    requirement: str  # pinned, as installed from PyPI
    driver: str  # file name in scripts/interop/
    min_python: tuple[int, int]
    needs_token_url: bool  # the driver takes --token-url (otherwise it appends /oauth2/token itself)


CLIENTS = (
    Client("timeback==0.3.0", "driver_timeback.py", (3, 9), needs_token_url=False),
    Client("timeback-oneroster==0.4.0", "driver_timeback_oneroster.py", (3, 12), needs_token_url=True),
)


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, timeout=30
        )
    except OSError:
        return None
    if out.returncode != 0:  # e.g. a pyenv shim for a version that is installed but not selected
        return None
    major, minor = out.stdout.split()
    return int(major), int(minor)


def find_python(minimum: tuple[int, int]) -> str | None:
    """This interpreter when it is recent enough, else the oldest one found that is.

    Looked for: python3.N on PATH and pyenv-installed versions (a pyenv shim for a version that is
    installed but not selected fails to run, and is passed over).
    """
    if sys.version_info[:2] >= minimum:
        return sys.executable
    candidates = []
    candidates += [shutil.which(f"python3.{minor}") or "" for minor in range(minimum[1], 20)]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += glob.glob(f"{pyenv_root}/versions/3.*/bin/python3")
    found = []
    for python in dict.fromkeys(c for c in candidates if c):
        version = _version_of(python)
        if version is not None and version >= minimum:
            found.append((version, python))
    return min(found)[1] if found else None


def client_venv(client: Client, python: str, workdir: Path) -> Path:
    """The client's own venv with the pinned requirement installed (reused when already there)."""
    venv = workdir / client.requirement.split("==")[0]
    marker = venv / ".interop-installed"
    if marker.exists() and marker.read_text() == client.requirement:
        return venv / "bin" / "python"
    subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, client.requirement], check=True)
    marker.write_text(client.requirement)
    return venv / "bin" / "python"


def run_driver(client: Client, python: Path, srv: ReferenceServer) -> tuple[list[dict[str, Any]], str]:
    args = [
        str(python),
        str(HERE / client.driver),
        "--base-url",
        srv.base_url,
        "--client-id",
        srv.client_id,
        "--client-secret",
        srv.client_secret,
        "--class-id",
        srv.class_ids[0],
        "--result-id",
        "interop-" + client.requirement.split("==")[0],
    ]
    if client.needs_token_url:
        args += ["--token-url", srv.token_url]
    with tempfile.TemporaryDirectory(prefix="interop-") as cwd:  # the libraries may write logs or read .env
        done = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=300)
    records = []
    for line in done.stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("interop") == 1:
            records.append(record)
    problem = "" if done.returncode == 0 else f"driver exited {done.returncode}: {done.stderr.strip()[-800:]}"
    return records, problem


def _operation_at(path: str) -> Operation | None:
    raw = path.split("?", 1)[0]
    for op in operations().values():
        pattern = re.escape(op.path).replace(r"\{sourcedId\}", "[^/]+")
        if re.fullmatch(pattern, raw):
            return op
    return None


def _brief(violations: list[Any], limit: int = 2) -> str:
    text = "; ".join(str(v) for v in violations[:limit])
    return text + (f"; +{len(violations) - limit} more" if len(violations) > limit else "")


def _error(outcome: str) -> str:
    """E.g. "raised pkg.mod.ValidationError: msg [type=..." -> "ValidationError: msg"."""
    name, _, message = outcome.removeprefix("raised ").partition(": ")
    return f"{name.rsplit('.', 1)[-1]}: {message.split(' [type=', 1)[0]}"[:120]


def judge(record: dict[str, Any]) -> dict[str, str]:
    """One matrix row: what was called, the statuses, whether the client accepted, who broke which rule."""
    findings: list[str] = []
    statuses: list[str] = []
    for exchange in record["exchanges"]:
        method, path, status = exchange["method"], exchange["path"], exchange["status"]
        if path == TOKEN_PATH:
            if status != 200:
                statuses.append(f"token {status}")
                findings.append(f"server: token refused ({exchange['response']})")
            continue
        statuses.append(f"{method} {status}")
        op = _operation_at(path)
        if op is None:
            findings.append(f"client: {path} is not a path of openapi.yaml")
            continue
        if method != op.method:
            findings.append(f"client: {method} is not an operation of openapi.yaml on {op.path} (only {op.method})")
            continue
        sent = op.request_validator.violations(exchange["request"])
        if sent:
            known = "".join(f" [known: {d.what}]" for d in find(op.operation_id, "request", exchange["request"]))
            findings.append(f"client: {op.operation_id} request breaks openapi.yaml: {_brief(sent)}{known}")
            if status != 422:
                findings.append(f"server: accepted ({status}) a body openapi.yaml refuses (422)")
            continue
        validator = op.response_validator(status)
        if validator is None:
            findings.append(f"server: {status} is not documented for {op.operation_id}")
            continue
        answered = validator.violations(exchange["response"])
        if answered:
            findings.append(f"server: {op.operation_id} {status} answer breaks openapi.yaml: {_brief(answered)}")
        elif status >= 300:
            findings.append(f"server: refused a valid {op.operation_id} request with {status}")
        elif not record["accepted"]:
            expects = [
                d.what
                for d in DEPARTURES
                if d.operation_id == op.operation_id and "response" in d.directions and record["client"] in d.who
            ]
            findings.append(
                f"client: refused the conforming {op.operation_id} {status} answer ({_error(record['outcome'])})"
                + (f"; it expects {' and '.join(expects)}" if expects else "")
            )
    if not findings and not record["accepted"]:
        findings.append(f"client: {_error(record['outcome'])}")
    return {
        "client": record["client"],
        "call": record["call"],
        "http": ", ".join(statuses) or "(none)",
        "accepted": "yes" if record["accepted"] else "no",
        "rule": " / ".join(findings) or "none: both follow openapi.yaml",
    }


def markdown(rows: list[dict[str, str]]) -> str:
    lines = [
        "| client | call | HTTP | client accepted the answer | rule of openapi.yaml broken (by whom) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['client']} | {r['call']} | {r['http']} | {r['accepted']} | {r['rule']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path(".nox/interop-clients"), help="where client venvs live")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--save-records", type=Path, help="write the drivers' JSON lines to this file")
    parser.add_argument("--from-records", type=Path, help="judge saved JSON lines instead of running clients")
    args = parser.parse_args(argv)
    rows: list[dict[str, str]] = []
    notes: list[str] = []
    if args.from_records:
        records = [json.loads(line) for line in args.from_records.read_text().splitlines() if line.strip()]
        print(markdown([judge(record) for record in records]))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    saved: list[dict[str, Any]] = []
    for client in CLIENTS:
        python = find_python(client.min_python)
        if python is None:
            wanted = ".".join(map(str, client.min_python))
            notes.append(f"SKIPPED {client.requirement}: it needs Python >= {wanted} and none was found")
            continue
        notes.append(f"{client.requirement}: Python {'.'.join(map(str, _version_of(python) or ()))} ({python})")
        venv_python = client_venv(client, python, args.workdir)
        with ReferenceServer() as srv:
            records, problem = run_driver(client, venv_python, srv)
        if problem:
            notes.append(f"{client.requirement}: {problem}")
        saved += records
        rows += [judge(record) for record in records]
    if args.save_records:
        args.save_records.write_text("".join(json.dumps(record) + "\n" for record in saved))
    print(markdown(rows))
    for note in notes:
        print(note)
    print(
        "Not run here (evidence in README, Interoperability): the Speakeasy TypeScript SDK for TimeBack "
        "OneRoster; Google Classroom's OneRoster 1.2 PUT-result tests."
    )
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "notes": notes}, indent=2) + "\n")
    return 0 if rows else 2


if __name__ == "__main__":
    sys.exit(main())
