"""Build both wheels, install them into a fresh venv outside the checkout, and run what a user runs.

CI tests the artifact, not the checkout (as attrs' CI does): `nox -s wheels` runs this. Every
command runs from an empty directory in a temporary folder, with PYTHONPATH cleared, so nothing
of the source tree is on `sys.path`; the script first proves the kit is imported from the venv.

Steps: `pip wheel --no-deps` of generated/ and of the kit; a venv with only the two wheels (the
SDK imports, and each command without its extra says which extra to install); then the
`conformance` extra (as the README's "Install without cloning" says); both commands' `--help`;
`oneroster-conformance` against the embedded server (exit 0) and, with `--base-url`, against a
reference server started from the venv with `--fault` (exit 1); the README's SDK example against
a reference server started from the venv; then the `specdiff` extra and `oneroster-spec-diff` with
its SDK check (both SDKs generated from the wheel's own generator config) on a response enum value
added, proven to break the BASE SDK (exit 1). Exit 0 when every step did what it should.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The same marker and block tests/sdk/test_readme_example.py checks against its copy of the example.
SDK_MARKER = "<!-- sdk-example: tests/sdk/test_readme_example.py -->"
ST_MARKER = "<!-- plain-schemathesis: tests/test_plain_schemathesis.py -->"
FAULT = "missing_required_field"  # one defect the suite must catch on a --base-url target (exit 1)
STEP_TIMEOUT = 300  # seconds for one command (a quick conformance run takes well under a minute)
# The README's spec-diff example: a value added to a response enum. The BASE SDK's Literal refuses it.
NEW_SCORE_STATUS = "late"
_SCORE_STATUS_ENUM = re.compile(r"(\n    ScoreStatus:\n(?:      .*\n)*?      enum: \[[^\]\n]*)\]")


class StepFailed(Exception):
    """One step did not do what it should; the message says which and shows the output."""


def readme_sdk_example(text: str) -> str:
    """The ```python block after the SDK marker, exactly as tests/sdk/test_readme_example.py reads it."""
    block = re.search(re.escape(SDK_MARKER) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    if block is None:
        raise StepFailed(f"README.md has no ```python block after {SDK_MARKER}")
    return block.group(1)


def readme_st_command(text: str) -> str:
    """The `st ...` line of the README's plain-schemathesis block (as tests/test_plain_schemathesis.py reads it)."""
    block = re.search(re.escape(ST_MARKER) + r"\s*```sh\n(.*?)```", text, re.DOTALL)
    commands = [line for line in block.group(1).splitlines() if line.startswith("st ")] if block else []
    if len(commands) != 1:
        raise StepFailed(f"README.md has no ```sh block with one `st` line after {ST_MARKER}")
    return commands[0]


class Venv:
    """A fresh virtual environment and a clean environment to run its commands in."""

    def __init__(self, path: Path, workdir: Path) -> None:
        self.path = path
        self.workdir = workdir
        self.bin = path / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env = {key: value for key, value in env.items() if not key.startswith("ONEROSTER_")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONNOUSERSITE"] = "1"
        self.env = env

    def run(
        self, args: Sequence[str], expect: int = 0, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv from the empty work directory; StepFailed unless it exits `expect`."""
        program = self.bin / args[0]  # the venv's own command; else a system one (bash) with the venv first on PATH
        command = [str(program) if program.exists() else args[0], *args[1:]]
        completed = subprocess.run(
            command,
            cwd=self.workdir,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
        if completed.returncode != expect:
            raise StepFailed(
                f"`{' '.join(args)}` exited {completed.returncode}, expected {expect}\n"
                f"--- stdout ---\n{completed.stdout[-4000:]}\n--- stderr ---\n{completed.stderr[-4000:]}"
            )
        return completed


@contextmanager
def reference_server(venv: Venv, name: str, faults: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """`oneroster-reference-server` from the venv on a free loopback port; yields its ready line."""
    log = venv.workdir / f"{name}.log"
    command = [str(venv.bin / "oneroster-reference-server"), "--port", "0", "--db", str(venv.workdir / f"{name}.db")]
    for fault in faults:
        command += ["--fault", fault]
    env = {**venv.env, "ONEROSTER_CLIENT_ID": "wheel-check", "ONEROSTER_CLIENT_SECRET": "wheel-check-secret"}
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=venv.workdir, env=env, stdout=subprocess.PIPE, stderr=log_file, text=True
        )
        try:
            ready = _ready_line(process)
            if ready is None:
                raise StepFailed(f"{name}: the reference server did not announce readiness\n{log.read_text()[-3000:]}")
            ready.update(client_id="wheel-check", client_secret="wheel-check-secret")
            yield ready
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ready_line(process: subprocess.Popen[str]) -> dict[str, Any] | None:
    """The first stdout line, read on a thread so a silent process cannot hang the check."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline() if process.stdout else ""))
    reader.start()
    reader.join(timeout=60)
    if not lines or not lines[0].strip():
        return None
    document: dict[str, Any] = json.loads(lines[0])
    return document if document.get("event") == "ready" else None


def _target_args(ready: dict[str, Any]) -> list[str]:
    args = ["--base-url", ready["base_url"], "--token-url", ready["token_url"]]
    args += [f"--client-id={ready['client_id']}", f"--client-secret={ready['client_secret']}"]
    for class_id in ready["class_ids"]:
        args += ["--class-id", class_id]
    return args


def _token(ready: dict[str, Any]) -> str:
    """A token from the server's token endpoint (standard library only: this script runs before any install)."""
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": ready["client_id"], "client_secret": ready["client_secret"]}
    ).encode()
    with urllib.request.urlopen(ready["token_url"], data=form, timeout=30) as answer:
        token: str = json.load(answer)["access_token"]
    return token


def _step(text: str) -> None:
    print(f"wheels: {text}", flush=True)


def build_wheels(dist: Path) -> tuple[Path, Path]:
    """`pip wheel --no-deps` of generated/ and of the kit; the two wheel files."""
    for source in (ROOT / "generated", ROOT):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)], check=True
        )
    client = sorted(dist.glob("oneroster_client-*.whl"))
    kit = sorted(dist.glob("oneroster_contract_kit-*.whl"))
    if len(client) != 1 or len(kit) != 1:
        raise StepFailed(f"expected one wheel of each distribution in {dist}, found {sorted(dist.iterdir())}")
    return client[0], kit[0]


def check(workspace: Path) -> None:
    dist = workspace / "dist"
    client_wheel, kit_wheel = build_wheels(dist)
    _step(f"built {client_wheel.name} and {kit_wheel.name}")

    venv_path = workspace / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv_path)], check=True)
    workdir = workspace / "work"
    workdir.mkdir()
    venv = Venv(venv_path, workdir)
    venv.run(["python", "-m", "pip", "install", "-q", str(client_wheel), str(kit_wheel)])
    where = venv.run(["python", "-c", "import oneroster_kit, oneroster_client; print(oneroster_kit.__file__)"])
    location = Path(where.stdout.strip())
    if not location.is_relative_to(venv_path):
        raise StepFailed(f"oneroster_kit was imported from {location}, not from the venv {venv_path}")
    venv.run(["python", "-c", "import oneroster_kit.sdk"])
    _step(f"the two wheels alone: `import oneroster_kit.sdk` works (kit at {location.parent})")
    for command, extra in (("oneroster-conformance", "conformance"), ("oneroster-reference-server", "server")):
        refused = venv.run([command, "--help"], expect=2)
        wanted = f"pip install 'oneroster-contract-kit[{extra}]'"
        if wanted not in refused.stderr or len(refused.stderr.strip().splitlines()) != 1:
            raise StepFailed(f"{command} without its extra should say `{wanted}` in one line; said:\n{refused.stderr}")
        _step(f"without extras, {command} says: {refused.stderr.strip()}")

    venv.run(["python", "-m", "pip", "install", "-q", f"{kit_wheel}[conformance]"])
    for command in ("oneroster-conformance", "oneroster-reference-server"):
        venv.run([command, "--help"])
    _step("with the conformance extra: both commands' --help exit 0")
    no_driver = venv.run(
        ["oneroster-reference-server", "--port", "0", "--db", "postgresql://nobody@127.0.0.1:1/none"], expect=2
    )
    wanted = "pip install 'oneroster-contract-kit[postgres]'"
    if wanted not in no_driver.stderr or len(no_driver.stderr.strip().splitlines()) != 1:
        raise StepFailed(f"--db postgresql://... without the postgres extra should say `{wanted}`:\n{no_driver.stderr}")
    _step(f"without the postgres extra, --db postgresql://... says: {no_driver.stderr.strip()}")

    started = time.monotonic()
    embedded = venv.run(["oneroster-conformance", "--report-dir", str(workdir / "report-embedded")])
    _step(f"oneroster-conformance (embedded server): exit 0 in {time.monotonic() - started:.1f} s")
    print(embedded.stdout.strip().splitlines()[-2], flush=True)

    with reference_server(venv, "faulty", faults=[FAULT]) as ready:
        started = time.monotonic()
        report_dir = workdir / "report-faulty"
        venv.run(["oneroster-conformance", *_target_args(ready), "--report-dir", str(report_dir)], expect=1)
        failed = sorted(
            {failure["check"] for failure in json.loads((report_dir / "result.json").read_text())["failures"]}
        )
    _step(
        f"oneroster-conformance --base-url (server with --fault {FAULT}): exit 1 in "
        f"{time.monotonic() - started:.1f} s, failed checks: {', '.join(failed)}"
    )

    example = workdir / "readme_sdk_example.py"
    example.write_text(readme_sdk_example(README.read_text(encoding="utf-8")), encoding="utf-8")
    with reference_server(venv, "sdk") as ready:
        env = {
            "ONEROSTER_CLIENT_ID": ready["client_id"],
            "ONEROSTER_CLIENT_SECRET": ready["client_secret"],
            "ONEROSTER_BASE_URL": ready["base_url"],
            "ONEROSTER_TOKEN_URL": ready["token_url"],
        }
        output = venv.run(["python", str(example)], env=env).stdout
        # The shipped schemathesis configuration, from the wheel: the README's command (examples phase only).
        token = _token(ready)
        st_env = {
            "ONEROSTER_BASE_URL": ready["base_url"],
            "ONEROSTER_TOKEN": token,
            "ONEROSTER_CLASS_ID": ready["class_ids"][0],
        }
        st_line = readme_st_command(README.read_text(encoding="utf-8")) + " --phases examples"
        st_run = venv.run(["bash", "-c", st_line], env=st_env)
    config = venv.run(["python", "-m", "oneroster_kit.plain_schemathesis", "config"]).stdout.strip()
    # schemathesis wraps long lines of its banner; compare without whitespace
    if not Path(config).is_relative_to(venv_path) or config not in "".join(st_run.stdout.split()):
        raise StepFailed(f"st run did not use the wheel's configuration ({config}):\n{st_run.stdout[-3000:]}")
    _step(f"the README's plain `st run` with the wheel's configuration (examples phase): exit 0, {config}")
    lines = output.splitlines()
    if len(lines) != 3 or not lines[0].startswith("stored ") or not lines[2].startswith("not found 404"):
        raise StepFailed(f"the README's SDK example printed something unexpected:\n{output}")
    _step("the README's SDK example against an installed reference server: exit 0")
    for line in lines:
        print(f"  {line}", flush=True)

    check_spec_diff(venv_path, kit_wheel, workspace)


def with_score_status_added(spec: str) -> str:
    """`spec` with NEW_SCORE_STATUS appended to the ScoreStatus enum (one edited line, nothing else)."""
    changed, count = _SCORE_STATUS_ENUM.subn(rf'\1, "{NEW_SCORE_STATUS}"]', spec, count=1)
    if count != 1:
        raise StepFailed("openapi.yaml has no `enum: [...]` line in components/schemas/ScoreStatus to add a value to")
    return changed


def check_spec_diff(venv_path: Path, kit_wheel: Path, workspace: Path) -> None:
    """`oneroster-spec-diff` with the specdiff extra, from an empty folder: the SDK check runs and proves the break."""
    venv = Venv(venv_path, workspace / "spec-diff")
    venv.workdir.mkdir()
    venv.run(["python", "-m", "pip", "install", "-q", f"{kit_wheel}[specdiff]"])
    spec = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    (venv.workdir / "old.yaml").write_text(spec, encoding="utf-8")
    (venv.workdir / "new.yaml").write_text(with_score_status_added(spec), encoding="utf-8")
    started = time.monotonic()
    run = venv.run(["oneroster-spec-diff", "old.yaml", "new.yaml", "--fail-on", "breaking", "--format", "json"], 1)
    seconds = time.monotonic() - started
    report = json.loads(run.stdout)
    sdk = report["sdk"] or {}
    proven = [c for c in report["changes"] if c["rule"] == "sdk-parse-failure" and c["severity"] == "breaking"]
    if not sdk.get("ran") or not proven or not all(f"'{NEW_SCORE_STATUS}'" in c["detail"] for c in proven):
        raise StepFailed(f"the SDK check did not prove the BASE SDK breaks (sdk: {sdk}):\n{run.stdout[-3000:]}")
    left = sorted(path.name for path in venv.workdir.iterdir())
    if left != ["new.yaml", "old.yaml"]:
        raise StepFailed(f"oneroster-spec-diff left files in the user's directory: {left}")
    _step(
        f'oneroster-spec-diff old.yaml new.yaml (ScoreStatus gains "{NEW_SCORE_STATUS}"), specdiff extra: exit 1 in '
        f"{seconds:.1f} s, SDK check ran, proven: {proven[0]['operation']} {proven[0]['where']}: {proven[0]['detail']}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed) for inspection")
    args = parser.parse_args(argv)
    workspace = Path(tempfile.mkdtemp(prefix="oneroster-wheels-"))
    try:
        check(workspace)
    except StepFailed as failure:
        print(f"wheels: FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"wheels: FAILED: {' '.join(map(str, error.cmd))} exited {error.returncode}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"wheels: kept {workspace}", flush=True)
        else:
            shutil.rmtree(workspace, ignore_errors=True)
    _step("all steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
