"""Run every copyable shell line of README.md verbatim, from the directory the README implies.

`nox -s readme` (in the default set, so CI runs it) does this on a clone of the checkout (with the
working tree's files), in a temporary folder, with a fresh "machine": a venv holding only Python
and pip, first on PATH, and no other venv on it. Blocks are found and classified by
`scripts/readme_blocks.py` (the `<!-- readme-run: ... -->` markers); each runs as one bash script,
line by line, and each line must exit as its comment says (0 when it says nothing).

The order: a reference server ("your server") that records its traffic starts first, its values in
the variables the README's lines read (BASE_URL, TOKEN, TOKEN_URL, CLIENT_ID, CLIENT_SECRET,
CLASS_ID), and the recording becomes the files the traffic lines name (capture.har,
logs/*.ndjson, client.ndjson, access-2026-12-01.ndjson; the spec-diff lines get old.yaml,
new.yaml and spec-diff-ignore.txt); then the `setup` blocks (build the wheels, install them, the
day-to-day venv); then the other blocks in README order; then the README's own reference server on
port 8000 (its `serves :8000` block) for the blocks that need it; then the PostgreSQL server block
(`serves :8001 postgresql`) on a throwaway cluster (`$DATABASE_URL`), driven until both of its
workers have answered (without PostgreSQL: skipped with a line saying why, except under CI=true);
last, the quick start's first line. `your-client-tests`, the README's stand-in for a team's tests,
is a few SDK calls here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_blocks import README, ROOT, Block, ReadmeError, sdk_example, sh_blocks

from oneroster_kit.server.pgcluster import PostgresCluster, PostgresUnavailable
from oneroster_kit.server.process import ReferenceServer

BLOCK_TIMEOUT = 900  # seconds for one block (a nox session that installs and runs the suite takes minutes)
LOCAL_PORT = 8000
POSTGRES_PORT = 8001
LOCAL = {
    "BASE_URL": f"http://127.0.0.1:{LOCAL_PORT}",
    "TOKEN_URL": f"http://127.0.0.1:{LOCAL_PORT}/oauth2/token",
    "CLIENT_ID": "oneroster-local",
    "CLIENT_SECRET": "oneroster-local-secret",
}
YOUR_CLIENT_TESTS = '''#!/usr/bin/env python3
"""Stands in for a team's client tests (README "Checking a client"): a few calls through the SDK."""
import os, socket, time
from urllib.parse import urlsplit

from oneroster_kit.sdk import Environment, OneRosterClient

os.environ.setdefault("ONEROSTER_CLIENT_ID", "oneroster-local")
os.environ.setdefault("ONEROSTER_CLIENT_SECRET", "oneroster-local-secret")
where = urlsplit(os.environ["ONEROSTER_BASE_URL"])
deadline = time.monotonic() + 60  # the server was started with `&` just before
while True:
    try:
        socket.create_connection((where.hostname, where.port), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
body = {"status": "active", "lineItem": {"sourcedId": "lineitem-alg1-quiz3"}, "student": {"sourcedId": "student-7"},
        "scoreStatus": "fully graded", "score": 91, "scoreDate": "2026-11-20T14:30:00Z"}
with OneRosterClient.from_env(Environment.STAGING) as client:
    for number in range(3):
        client.put_result(f"client-test-result-{number}", {**body, "score": 90 + number})
    client.update_class("class-alg1-p1", {"title": "Algebra I - Period 1"})
print("your-client-tests: 4 calls")
'''


class StepFailed(Exception):
    """A README line did not do what it should; the message names it and shows the output."""


def _step(text: str) -> None:
    print(f"readme: {text}", flush=True)


def _is_venv_bin(entry: str) -> bool:
    return bool(entry) and (Path(entry).parent / "pyvenv.cfg").exists()


class Scenes:
    """The folders and environments the README's lines run in."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.checkout = workspace / "checkout"
        self.installed = workspace / "installed"
        self.machine = workspace / "machine"
        self.aids = workspace / "aids"
        self.variables: dict[str, str] = {}
        path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if not _is_venv_bin(entry)]
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "VIRTUAL_ENV", "ONEROSTER_", "NOX", "PIP_REQUIRE_VIRTUALENV"))
        }
        env["PATH"] = os.pathsep.join([str(self.machine / "bin"), str(self.aids), *path])
        env["PYTHONNOUSERSITE"] = "1"
        self.base_env = env

    def make(self) -> None:
        """A fresh machine (Python and pip only), a clone with the working tree's files, an empty wheel folder."""
        subprocess.run([sys.executable, "-m", "venv", str(self.machine)], check=True)
        subprocess.run(["git", "clone", "-q", str(ROOT), str(self.checkout)], check=True)
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for name in (entry.decode() for entry in listed if entry):
            source, target = ROOT / name, self.checkout / name
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            elif target.exists() and not source.exists():
                target.unlink()  # deleted in the working tree, not yet committed
        self.installed.mkdir()
        self.aids.mkdir()
        stub = self.aids / "your-client-tests"
        stub.write_text(YOUR_CLIENT_TESTS, encoding="utf-8")
        stub.chmod(0o755)

    def where(self, block: Block) -> tuple[Path, dict[str, str]]:
        """The block's directory and environment: its scene's venv first on PATH, as if activated."""
        env = {**self.base_env, **self.variables}
        if block.scene == "installed":
            cwd, venv = self.installed, self.installed / "oneroster"
            for wheel in (self.checkout / "dist").glob("*.whl"):
                if not (cwd / wheel.name).exists():
                    shutil.copy2(wheel, cwd / wheel.name)
        else:
            cwd, venv = self.checkout, self.checkout / ".venv"
        if block.scene != "quick-start" and (venv / "bin").is_dir():
            env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
        return cwd, env


def script_of(block: Block, then: str = "") -> str:
    """The block as a bash script that stops at the first line whose exit status is not one it may have."""
    lines = ["set -uo pipefail"]
    for command in block.commands:
        allowed = " ".join(str(code) for code in sorted(command.exits))
        lines.append(command.text)
        lines.append(
            f'__status=$?; case " {allowed} " in *" $__status "*) ;; '
            f'*) echo "README.md:{command.line}: exited $__status, expected {allowed}" >&2; exit 97;; esac'
        )
    if then:
        lines.append(then)
    return "\n".join(lines) + "\n"


@contextmanager
def _started(block: Block, scenes: Scenes, name: str, then: str = "") -> Iterator[subprocess.Popen[bytes]]:
    """The block's script in its own process group (so what it starts with `&` is stopped with it)."""
    cwd, env = scenes.where(block)
    script = scenes.workspace / f"{name}.sh"
    script.write_text(script_of(block, then), encoding="utf-8")
    log = scenes.workspace / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", str(script)], cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            time.sleep(1 if sig == signal.SIGTERM else 0)
        process.wait()


def run(block: Block, scenes: Scenes, then: str = "") -> str:
    """Run a block to its end; its output, or StepFailed naming the line that failed."""
    name = f"block-{block.line}"
    started = time.monotonic()
    with _started(block, scenes, name, then) as process:
        try:
            status = process.wait(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            status = -1
    output = (scenes.workspace / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    if status != 0:
        raise StepFailed(
            f"the README block at line {block.line} ({block.scene}) "
            + ("timed out" if status == -1 else f"exited {status}")
            + f"\n--- output (last 4000 characters) ---\n{output[-4000:]}"
        )
    first = block.commands[0].text.splitlines()[0]
    took = time.monotonic() - started
    _step(f"README.md:{block.line} ({block.scene}): {len(block.commands)} line(s) in {took:.0f} s: {first}")
    return output


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while _port_free(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise StepFailed(f"the README's server block did not listen on :{port}\n{log.read_text()[-4000:]}")
        time.sleep(0.5)


def _token(token_url: str, client_id: str, client_secret: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    token: str = httpx.post(token_url, data=form, timeout=30).json()["access_token"]
    return token


def _drive(server: ReferenceServer) -> None:
    """A few valid writes, as a client or a gateway log would hold them."""
    token = _token(server.token_url, server.client_id, server.client_secret)
    headers = {"Authorization": f"Bearer {token}"}
    result = {
        "status": "active",
        "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
        "student": {"sourcedId": "student-42"},
        "scoreStatus": "fully graded",
        "scoreDate": "2026-11-20T14:30:00Z",
    }
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        for number in range(4):
            answer = client.put(
                f"/ims/oneroster/gradebook/v1p2/results/readme-result-{number % 2}",
                json={"result": {**result, "score": 80 + number}},
            )
            answer.raise_for_status()
        answer = client.put(
            f"/ims/oneroster/rostering/v1p2/classes/{server.class_ids[0]}", json={"class": {"title": "Algebra I"}}
        )
        answer.raise_for_status()


def _har(recording: Path) -> dict[str, Any]:
    """The recorded exchanges as a HAR 1.2 log, as a browser or mitmproxy would write them."""

    def headers(pairs: list[list[str]]) -> list[dict[str, str]]:
        return [{"name": name, "value": value} for name, value in pairs]

    def kind(pairs: list[list[str]]) -> str:
        return next((value for name, value in pairs if name.lower() == "content-type"), "")

    entries = []
    for line in recording.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "request" not in record:
            continue
        request, response = record["request"], record["response"]
        har_request: dict[str, Any] = {
            "method": request["method"],
            "url": request["url"],
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(request["headers"]),
            "queryString": [],
            "headersSize": -1,
            "bodySize": len(request.get("body", "")),
        }
        if request.get("body"):
            har_request["postData"] = {"mimeType": kind(request["headers"]), "text": request["body"]}
        body = response.get("body", "")
        entries.append(
            {
                "startedDateTime": record["started"],
                "time": record.get("durationMs", 1),
                "request": har_request,
                "response": {
                    "status": response["status"],
                    "statusText": "",
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": headers(response["headers"]),
                    "content": {"size": len(body), "mimeType": kind(response["headers"]), "text": body},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": len(body),
                },
                "cache": {},
                "timings": {"send": 0, "wait": record.get("durationMs", 1), "receive": 0},
            }
        )
    return {"log": {"version": "1.2", "creator": {"name": "check_readme", "version": "1"}, "entries": entries}}


def fixtures(scenes: Scenes, recording: Path) -> None:
    """The files the README's lines name, made from a real recording and the real spec."""
    traffic = scenes.installed
    (traffic / "logs").mkdir()
    for name in ("client.ndjson", "access-2026-12-01.ndjson", "logs/gateway-1.ndjson"):
        shutil.copy2(recording, traffic / name)
    (traffic / "capture.har").write_text(json.dumps(_har(recording)), encoding="utf-8")
    spec = (scenes.checkout / "openapi.yaml").read_text(encoding="utf-8")
    (scenes.checkout / "old.yaml").write_text(spec, encoding="utf-8")
    anchor = '"partially graded", "submitted"]'
    if spec.count(anchor) != 1:
        raise StepFailed(f"openapi.yaml has not exactly one ScoreStatus enum ending {anchor} to extend for new.yaml")
    (scenes.checkout / "new.yaml").write_text(spec.replace(anchor, anchor[:-1] + ', "late"]'), encoding="utf-8")
    (scenes.checkout / "spec-diff-ignore.txt").write_text("# accepted changes: FINGERPRINT reason\n", encoding="utf-8")


def postgres_server(block: Block, scenes: Scenes) -> None:
    """The README's PostgreSQL server block on a throwaway cluster, driven until every worker answered."""
    try:
        cluster = PostgresCluster(install=True)
        cluster.start()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise StepFailed(f"README.md:{block.line}: CI must run the PostgreSQL block: {error}") from None
        _step(f"README.md:{block.line} (checkout): skipped, no PostgreSQL here: {error}")
        return
    with cluster:
        if not _port_free(POSTGRES_PORT):
            raise StepFailed(f"port {POSTGRES_PORT} is in use; the README's PostgreSQL server block uses it")
        scenes.variables = {"DATABASE_URL": cluster.create_database("readme")}
        name = f"block-{block.line}"
        with _started(block, scenes, name) as process:
            _wait_port(POSTGRES_PORT, process, scenes.workspace / f"{name}.log")
            base = f"http://127.0.0.1:{POSTGRES_PORT}"
            token = _token(base + "/oauth2/token", LOCAL["CLIENT_ID"], LOCAL["CLIENT_SECRET"])
            result = {"status": "active", "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}}
            body = {"result": {**result, "scoreStatus": "fully graded", "scoreDate": "2026-11-20T14:30:00Z"}}
            workers = set()
            for number in range(40):  # a new connection each time: the kernel spreads them over the workers
                with httpx.Client(timeout=30) as http:
                    answer = http.put(
                        f"{base}/ims/oneroster/gradebook/v1p2/results/readme-pg-{number}",
                        json=body,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                if answer.status_code != 201:
                    raise StepFailed(f"README.md:{block.line}: a PUT answered {answer.status_code}: {answer.text}")
                workers.add(answer.headers["x-request-id"][:16])  # a new id starts with its process's prefix
            if len(workers) < 2:
                raise StepFailed(f"README.md:{block.line}: 40 connections reached {len(workers)} worker(s), not 2")
        _step(f"README.md:{block.line} (checkout): PostgreSQL server on :{POSTGRES_PORT}, 40 PUTs, both workers")


def check(workspace: Path) -> None:
    text = README.read_text(encoding="utf-8")
    blocks = sh_blocks(text)
    scenes = Scenes(workspace)
    scenes.make()
    _step(f"{len(blocks)} shell blocks; a fresh machine at {scenes.machine}, a clone at {scenes.checkout}")
    if not _port_free(LOCAL_PORT):
        raise StepFailed(f"port {LOCAL_PORT} is in use; the README's lines use it for the reference server")

    recording = workspace / "your-server.ndjson"
    with ReferenceServer(extra_args=["--record", str(recording)]) as server:
        _drive(server)
        fixtures(scenes, recording)
        scenes.variables = {
            "BASE_URL": server.base_url,
            "TOKEN_URL": server.token_url,
            "CLIENT_ID": server.client_id,
            "CLIENT_SECRET": server.client_secret,
            "TOKEN": _token(server.token_url, server.client_id, server.client_secret),
            "CLASS_ID": server.class_ids[0],
        }
        _step(f"'your server' is a reference server at {server.base_url} (CLASS_ID={server.class_ids[0]})")
        for block in [block for block in blocks if "setup" in block.options]:
            run(block, scenes)
        local = [block for block in blocks if "server :8000" in block.options]
        for block in blocks:
            if block.options & {"setup", "server :8000", "serves :8000", "serves :8001 postgresql"}:
                continue
            if block.scene == "quick-start":
                continue
            run(block, scenes)

    serves = [block for block in blocks if "serves :8000" in block.options]
    if local and len(serves) != 1:
        raise StepFailed(f"blocks at lines {[b.line for b in local]} need the README's server block ('serves :8000')")
    if serves:
        with _started(serves[0], scenes, f"block-{serves[0].line}") as process:
            _wait_port(LOCAL_PORT, process, workspace / f"block-{serves[0].line}.log")
            _step(f"README.md:{serves[0].line} (checkout): the README's reference server listens on :{LOCAL_PORT}")
            scenes.variables = {
                **LOCAL,
                "TOKEN": _token(LOCAL["TOKEN_URL"], LOCAL["CLIENT_ID"], LOCAL["CLIENT_SECRET"]),
            }
            scenes.variables["CLASS_ID"] = "class-alg1-p1"
            for block in local:
                then = ""
                if "then sdk-example" in block.options:
                    example = workspace / "readme_sdk_example.py"
                    example.write_text(sdk_example(text), encoding="utf-8")
                    then = f"python3 {example}"
                output = run(block, scenes, then)
                if then and "not found 404" not in output:
                    raise StepFailed(f"the README's SDK example printed something unexpected:\n{output[-3000:]}")

    for block in [block for block in blocks if "serves :8001 postgresql" in block.options]:
        postgres_server(block, scenes)

    quick = [block for block in blocks if block.scene == "quick-start"]
    if len(quick) != 1 or len(quick[0].commands) != 2:
        raise StepFailed("the README needs one quick-start block of exactly two command lines")
    first, second = quick[0].commands
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    if second.text not in ci_run:
        raise StepFailed(f".ci/run does not run the quick start's second line verbatim: {second.text}")
    scenes.variables = {}
    run(Block(quick[0].line, "quick-start", frozenset(), first.text + "\n"), scenes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed) for inspection")
    args = parser.parse_args(argv)
    workspace = Path(tempfile.mkdtemp(prefix="oneroster-readme-"))
    started = time.monotonic()
    try:
        check(workspace)
    except (StepFailed, ReadmeError) as failure:
        print(f"readme: FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"readme: FAILED: {' '.join(map(str, error.cmd))} exited {error.returncode}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            _step(f"kept {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)
    _step(f"every copyable line ran as written ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
