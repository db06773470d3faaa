"""Sessions of the OneRoster contract kit.

`nox` alone runs what CI runs: lint, typecheck, spec, regen_check, tests, wheels, readme, spec_diff.
Other sessions: regen, serve, conformance, bench_server, bench_postgres, bench_client, bench_conformance,
bench_soak, bench_spec_diff, bench_traffic, interop.
Arguments after `--` go to the underlying command.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "spec", "regen_check", "tests", "wheels", "readme", "spec_diff"]
nox.options.error_on_missing_interpreters = True

HAND_WRITTEN = ["src", "scripts", "tests", "contract_tests", "noxfile.py"]


def install(session: nox.Session, extras: str = "dev") -> None:
    """The generated SDK (its own distribution) and the kit with pinned extras, both editable."""
    session.install("-e", "generated", "-e", f".[{extras}]")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and format check on hand-written code (generated/ is formatted by regen)."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", *HAND_WRITTEN)
    session.run("ruff", "format", "--check", *HAND_WRITTEN)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the kit, the scripts, the tests and the generated package."""
    install(session)
    session.run("mypy", "src", "scripts", "tests", "contract_tests", "noxfile.py")
    session.run("mypy", "--strict", "generated/oneroster_client")


@nox.session
def spec(session: nox.Session) -> None:
    """openapi-spec-validator plus the project's own rules on openapi.yaml."""
    install(session)
    session.run("python", "scripts/lint_spec.py", *session.posargs)


@nox.session
def regen(session: nox.Session) -> None:
    """Regenerate generated/ from openapi.yaml (the only way generated/ changes)."""
    install(session)
    session.run("python", "scripts/regenerate.py", *session.posargs)


@nox.session(name="regen_check")
def regen_check(session: nox.Session) -> None:
    """Fail when generated/ differs from a fresh generation (drift)."""
    install(session)
    session.run("python", "scripts/regenerate.py", "--check")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole pytest suite: unit, contract and end-to-end tests on loopback."""
    install(session)
    session.run("pytest", *session.posargs)


@nox.session
def wheels(session: nox.Session) -> None:
    """Build both wheels, install them in a fresh venv outside the checkout, run the commands there."""
    session.run("python", "scripts/check_wheels.py", *session.posargs)


@nox.session
def readme(session: nox.Session) -> None:
    """Every shell block of README.md run verbatim, from the directory it implies (a clone, the wheels' venv)."""
    install(session)
    session.run("python", "scripts/check_readme.py", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Run the reference server in the foreground (arguments after -- are passed on; --db postgresql://... works)."""
    install(session, "postgres")
    session.run("oneroster-reference-server", *session.posargs)


@nox.session
def conformance(session: nox.Session) -> None:
    """The conformance suite; with no --base-url it checks the embedded reference server."""
    install(session, "conformance")
    session.run("oneroster-conformance", *session.posargs)


@nox.session(name="bench_server")
def bench_server(session: nox.Session) -> None:
    install(session)
    session.run("python", "scripts/bench_server.py", *session.posargs)


@nox.session(name="bench_postgres")
def bench_postgres(session: nox.Session) -> None:
    """The server on PostgreSQL with 1 and 2 workers beside SQLite, wrk at c=16 (a throwaway cluster without --db)."""
    install(session)
    session.run("python", "scripts/bench_postgres.py", *session.posargs)


@nox.session(name="bench_client")
def bench_client(session: nox.Session) -> None:
    install(session)
    session.run("python", "scripts/bench_client.py", *session.posargs)


@nox.session(name="bench_conformance")
def bench_conformance(session: nox.Session) -> None:
    install(session)
    session.run("python", "scripts/bench_conformance.py", *session.posargs)


@nox.session
def interop(session: nox.Session) -> None:
    """Real PyPI clients against the reference server, each in its own venv: prints the interop matrix."""
    install(session, "server")
    clients = Path(session.virtualenv.location).parent / "interop-clients"
    session.run("python", "scripts/interop/run.py", "--workdir", str(clients), *session.posargs)


@nox.session(name="spec_diff")
def spec_diff(session: nox.Session) -> None:
    """What the last commit changed in openapi.yaml, and for whom: the report, never a failed build.

    Diffs openapi.yaml against HEAD~1 with `oneroster-spec-diff` (SDK check included) and prints
    the report; an intended change must not fail CI, the point is that every spec change comes
    with its report. Without HEAD~1 (first commit, shallow clone) it says so and passes.
    """
    install(session)
    previous = session.run(
        "git",
        "rev-parse",
        "--verify",
        "--quiet",
        "HEAD~1^{commit}",
        silent=True,
        success_codes=[0, 1, 128],
        external=True,
    )
    if not isinstance(previous, str) or not previous.strip():
        session.log("spec_diff: HEAD~1 is not available (first commit or shallow clone); no spec diff to report")
        return
    # exit 2 (a spec of HEAD~1 that cannot be compared) is reported in one line, not a failed build
    session.run("oneroster-spec-diff", "--base", "HEAD~1", "--fail-on", "never", *session.posargs, success_codes=[0, 2])


@nox.session(name="bench_spec_diff")
def bench_spec_diff(session: nox.Session) -> None:
    install(session)
    session.run("python", "scripts/bench_spec_diff.py", *session.posargs)


@nox.session(name="bench_traffic")
def bench_traffic(session: nox.Session) -> None:
    """`oneroster-conformance traffic` on >= 100,000 exchanges, next to `redocly drift` where node exists."""
    install(session)
    session.run("python", "scripts/bench_traffic.py", *session.posargs)


@nox.session(name="bench_soak")
def bench_soak(session: nox.Session) -> None:
    """Valid and hostile traffic with SIGKILL/restarts: lost writes, 5xx, p50/p99 against idle."""
    install(session)
    session.run("python", "scripts/bench_soak.py", *session.posargs)
