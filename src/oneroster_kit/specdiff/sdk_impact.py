"""SDK impact, measured: both SDKs generated, their APIs compared, REVISION's answers parsed by BASE's.

The static rules say what a change *should* do to SDK consumers; this module checks it on the
real generated code. Its findings are changes like the others (audience "SDK consumers"), and a
proven parse failure is attached, with its example, to the response changes that explain it.
"""

from __future__ import annotations

import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from oneroster_kit import codegen
from oneroster_kit.specdiff import sdk_proof
from oneroster_kit.specdiff.model import Audience, Change, Level, Verdict
from oneroster_kit.specdiff.sdk_api import ApiBreak, compare
from oneroster_kit.specdiff.sdk_build import build
from oneroster_kit.specdiff.sources import LoadedSpec

__all__ = ["SdkImpact", "assess"]

SDK = "(sdk)"


@dataclass
class SdkImpact:
    ran: bool
    notes: list[str] = field(default_factory=list)
    api: list[ApiBreak] = field(default_factory=list)
    failures: list[sdk_proof.Failure] = field(default_factory=list)
    checked: list[tuple[str, int]] = field(default_factory=list)
    examples: int = 0
    seconds: float = 0.0


def _targets(rev: LoadedSpec, changes: list[Change]) -> list[tuple[str, int]]:
    """(operation, status) pairs whose answers changed, one per distinct response schema."""
    wanted: set[tuple[str, int]] = set()
    for change in changes:
        if change.direction != "response":
            continue
        statuses = list(change.statuses)
        match = re.fullmatch(r"status (\d+)", change.where)
        if match and change.rule.startswith("status-added"):
            statuses.append(match[1])
        wanted |= {(change.operation, int(s)) for s in statuses if s.isdigit()}
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for op, status in sorted(wanted):
        seen.setdefault((op, _schema_key(rev, op, status)), (op, status))
    return sorted(seen.values())


def _schema_key(rev: LoadedSpec, operation_id: str, status: int) -> str:
    """What the BASE SDK parses a status with: statuses sharing a schema `$ref` are searched once."""
    for item in (rev.document.get("paths") or {}).values():
        for op in item.values() if isinstance(item, dict) else []:
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                response = (op.get("responses") or {}).get(str(status)) or {}
                ref = response.get("$ref")
                if isinstance(ref, str):
                    name = ref.rsplit("/", 1)[1]
                    response = ((rev.document.get("components") or {}).get("responses") or {}).get(name) or {}
                schema = ((response.get("content") or {}).get("application/json") or {}).get("schema") or {}
                return str(schema.get("$ref") or f"status {status}")
    return f"status {status}"


def _api_change(found: ApiBreak) -> Change:
    sdk = (
        Verdict(Level.BREAKING, f"griffe: {found.explanation}")
        if found.breaking
        else Verdict(Level.COMPATIBLE, f"griffe: {found.explanation} (not a break for code)")
    )
    return Change(
        rule="sdk-api-break" if found.breaking else "sdk-api-change",
        operation=SDK,
        direction="sdk",
        where=found.path,
        detail=found.kind,
        base_pointer=None,
        rev_pointer=None,
        verdicts={
            Audience.CLIENTS: Verdict(Level.COMPATIBLE, "the generated SDK's API is not on the wire"),
            Audience.SERVERS: Verdict(Level.COMPATIBLE, "the generated SDK's API asks nothing of servers"),
            Audience.SDK: sdk,
        },
    )


def _stable(error: str) -> str:
    """The error without parts that vary between runs (set order in generated messages)."""
    return error.split(". Expected one of", 1)[0][:160]


def _failure_change(failure: sdk_proof.Failure, example: str) -> Change:
    return Change(
        rule="sdk-parse-failure",
        operation=failure.operation,
        direction="response",
        where=f"status {failure.status}",
        detail=f"BASE SDK fails: {_stable(failure.error)}",
        base_pointer=None,
        rev_pointer=None,
        verdicts={
            Audience.CLIENTS: Verdict(Level.ATTENTION, "a client as strict as the generated models fails the same way"),
            Audience.SERVERS: Verdict(Level.COMPATIBLE, "the answer is valid for REVISION"),
            Audience.SDK: Verdict(Level.BREAKING, "proven: the BASE SDK raises on an answer REVISION allows"),
        },
        evidence=[example],
    )


def assess(
    base: LoadedSpec, rev: LoadedSpec, changes: list[Change], cache: Path | None, examples: int = 20, seed: int = 0
) -> tuple[SdkImpact, list[Change]]:
    """Run the SDK check; returns its record and the changes it adds (evidence goes onto `changes`)."""
    import json

    started = time.perf_counter()
    try:
        codegen.check_tool_versions()
        import griffe  # noqa: F401  (the specdiff extra pins it)
    except (codegen.RegenerationError, ImportError) as exc:
        return SdkImpact(False, [f"skipped: {exc}"]), []
    with tempfile.TemporaryDirectory(prefix="oneroster-spec-diff-") as tmp:
        home = cache or Path(tmp)
        impact = SdkImpact(True, examples=examples)
        added: list[Change] = []
        # Both generations at once (each is a generator process); the answer search needs only BASE's.
        with ThreadPoolExecutor(max_workers=2) as pool:
            base_job, rev_job = pool.submit(build, base, home), pool.submit(build, rev, home)
            try:
                base_sdk = base_job.result()
            except codegen.RegenerationError as exc:
                reason = str(exc).splitlines()[0]
                return SdkImpact(False, [f"skipped: BASE's SDK cannot be generated: {reason}"]), []
            targets = _targets(rev, changes)
            rev_file = Path(tmp) / "revision-openapi.yaml"
            rev_file.write_text(rev.text, encoding="utf-8")
            proof = sdk_proof.start(rev_file, base_sdk, targets, examples, seed, Path(tmp)) if targets else None
            try:
                rev_sdk = rev_job.result()
                impact.api = compare(base_sdk, rev_sdk)
                added += [_api_change(found) for found in impact.api]
            except codegen.RegenerationError as exc:
                added.append(_generation_failure(str(exc)))
        if proof is not None:
            impact.failures, notes = proof.result()
            impact.notes += notes
            impact.checked = targets
        for failure in impact.failures:
            example = json.dumps(failure.example, sort_keys=True)
            evidence = f"{failure.operation} {failure.status} {example} -> {failure.error}"
            for change in changes:
                if (
                    change.operation == failure.operation
                    and change.direction == "response"
                    and str(failure.status) in change.statuses
                    and change.verdicts[Audience.SDK].level is Level.BREAKING
                ):
                    change.evidence.append(evidence)
            added.append(_failure_change(failure, evidence))
    impact.seconds = time.perf_counter() - started
    return impact, added


def _generation_failure(message: str) -> Change:
    return Change(
        rule="sdk-generation-failed",
        operation=SDK,
        direction="sdk",
        where="openapi-python-client",
        detail="REVISION's SDK cannot be generated",
        base_pointer=None,
        rev_pointer=None,
        verdicts={
            Audience.CLIENTS: Verdict(Level.COMPATIBLE, "generation is not on the wire"),
            Audience.SERVERS: Verdict(Level.COMPATIBLE, "generation asks nothing of servers"),
            Audience.SDK: Verdict(Level.BREAKING, f"no SDK can be built: {message.splitlines()[-1][:200]}"),
        },
    )
