"""The run's reports: a JSON result and a Markdown summary (JUnit XML comes from pytest).

The Markdown summary is written for someone who never saw the suite: what was checked, against
what, the verdict, then one section per failure with the rule of the spec that was broken, the
minimal input and a curl command that reproduces it (token redacted).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from oneroster_kit.checks import CHECKS
from oneroster_kit.conformance.grouping import group_failures, shared_causes
from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.session import RunOutcome
from oneroster_kit.conformance.target import Target
from oneroster_kit.spec import spec_sha256
from oneroster_kit.usage import UsageError

__all__ = ["check_report_dir", "check_writable_dir", "result_document", "terminal_summary", "write_reports"]

_LISTED = 50  # ids listed in the Markdown summary (all of them are in result.json)


def result_document(options: Options, target: Target, outcome: RunOutcome, exit_code: int) -> dict[str, Any]:
    finished = outcome.finished or outcome.started
    return {
        "verdict": {0: "conforms", 1: "does not conform"}.get(exit_code, "error"),
        "exit_code": exit_code,
        "target": {"base_url": target.base_url, "embedded": not target.remote, "class_ids": list(target.class_ids)},
        "spec_sha256": spec_sha256(),
        "run": {
            "run_id": options.run_id,
            "profile": options.profile.name,
            "max_examples": options.fuzz_examples,
            "semantic_examples": options.semantic_examples,
            "seed": options.seed,
            "checks": list(options.checks) or "all",
            "started": outcome.started,
            "duration_s": round(finished - outcome.started, 3),
            "test_cases": dict(sorted(outcome.cases.items())),
            "requests_by_semantic_checks": target.requests_sent,
            "request_fingerprint": target.request_fingerprint,
        },
        # The run's one count: checks, each with its status (the console's lines and verdict use the same).
        "checks": {
            name: {"status": status.status, **({"reason": status.reason} if status.reason else {})}
            for name, status in outcome.checks.items()
        },
        "check_counts": outcome.check_counts(),
        # pytest's own tests (junit.xml lists them): a check may span several tests, a test several checks
        "tests": {"passed": len(outcome.passed), "failed": len(outcome.failed), "skipped": len(outcome.skips)},
        "failures": [record.as_dict() for record in outcome.failures],
        "skipped": [{"test": skip.test, "reason": skip.reason} for skip in outcome.skips],
        "writes": {
            "result_prefix": target.result_prefix,
            "results": sorted(target.written_results),
            "classes_updated": sorted(target.updated_classes),
            "class_restore": target.restore_notes,
        },
    }


def _inline(text: str) -> str:
    """One line of Markdown text: control characters and backticks escaped (ids may be fuzzed)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text).replace(
        "`", "'"
    )


def _fence(text: str) -> str:
    return "```\n" + text.replace("```", "'''") + "\n```"


def markdown(document: dict[str, Any]) -> str:
    run, target, writes = document["run"], document["target"], document["writes"]
    lines = [
        "# OneRoster conformance report",
        "",
        f"**Verdict: {document['verdict']}** (exit code {document['exit_code']}).",
        "",
        f"The server at `{target['base_url']}`"
        + (" (the embedded reference server)" if target["embedded"] else "")
        + " was checked against `openapi.yaml` (sha256 "
        + f"`{document['spec_sha256'][:12]}…`): schemathesis sent generated requests (examples, coverage, "
        "fuzzing and stateful phases; valid and invalid inputs) and checked every response against the spec, and this "
        "suite's semantic checks verified what a fuzzer cannot see (echo of sent fields, upsert, class merge, "
        "404 for unknown classes, dateLastModified, auth).",
        "",
        f"- profile `{run['profile']}`, {run['max_examples']} examples per operation, seed `{run['seed']}` "
        f"(repeat this run with `--seed {run['seed']}`), run id `{run['run_id']}`",
        f"- duration {run['duration_s']} s; test cases: " + ", ".join(f"{k} {v}" for k, v in run["test_cases"].items()),
        f"- {checks_line(document)}",
        "",
    ]
    failures = document["failures"]
    if failures:
        by_check = Counter(f["check"] for f in failures)
        lines += ["## Failures by check", "", "| check | failures | rule of the spec |", "|---|---|---|"]
        for name, count in sorted(by_check.items()):
            rule = CHECKS[name].rule if name in CHECKS else ""
            lines.append(f"| `{name}` | {count} | {rule} |")
        lines.append("")
        groups = group_failures(failures)
        lines += [
            "## Failures",
            "",
            f"{len(failures)} failures in {len(groups)} groups (same check, same cause): each group shows one "
            "failure in full and lists the others.",
            "",
        ]
        for fragment, checks in shared_causes(groups):
            lines += [
                f"**Likely one root cause:** {len(checks)} checks fail with `{_inline(fragment)}` "
                f"({', '.join(f'`{c}`' for c in checks)}).",
                "",
            ]
        for index, group in enumerate(groups, 1):
            failure = group.representative
            count = len(group.failures)
            lines += [
                f"### {index}. `{group.check}`: {count} failure{'s' if count != 1 else ''} "
                f"({', '.join(group.operations)})",
                "",
                f"- **Rule broken:** {failure['rule']}",
                f"- **Cause:** {_inline(group.cause)}",
                f"- **What happened** (on {failure['operation']}): "
                f"{_inline(failure['message'].splitlines()[0]) if failure['message'] else ''}",
            ]
            if failure.get("code"):
                lines.append(f"- schemathesis code {failure['code']} (`st explain {failure['code']}`)")
            lines += [f"- **Known client departure:** {sentence}" for sentence in failure.get("known_departures", [])]
            detail = failure["message"]
            if "\n" in detail:
                lines += ["", _fence(detail[:3000])]
            if failure.get("input") is not None:
                label = (
                    "Minimal failing input (the smallest valid body that still fails this way, found by re-sending):"
                    if failure.get("input_minimized")
                    else "Minimal failing input:"
                )
                lines += ["", label, "", _fence(json.dumps(failure["input"], indent=2)[:3000])]
            if failure.get("curl"):
                lines += ["", "Reproduce (token redacted):", "", _fence(failure["curl"][:6000])]
            others = group.failures[1:]
            if others:
                lines += ["", f"The other {len(others)} of this group:", ""]
                for other in others[:_LISTED]:
                    shown = json.dumps(other.get("input"), ensure_ascii=True)
                    shown = shown if len(shown) <= 160 else shown[:157] + "..."
                    lines.append(
                        f"- {other['operation']}: {_inline(other['message'].splitlines()[0][:160])}; input `{shown}`"
                    )
                if len(others) > _LISTED:
                    lines.append(f"- … and {len(others) - _LISTED} more (all in result.json)")
            lines.append("")
    if document["skipped"]:
        lines += ["## Skipped checks", ""]
        lines += [f"- `{s['test']}`: {s['reason']}" for s in document["skipped"]]
        lines.append("")
    results = writes["results"]
    lines += [
        "## What this run wrote on the target",
        "",
        f"- {len(results)} results, every sourcedId starting with `{writes['result_prefix']}`"
        + (":" if results else "."),
    ]
    lines += [f"  - `{_inline(r)}`" for r in results[:_LISTED]]
    if len(results) > _LISTED:
        lines.append(f"  - … and {len(results) - _LISTED} more (all listed in result.json)")
    lines.append(f"- classes updated: {', '.join(f'`{c}`' for c in writes['classes_updated']) or 'none'}")
    lines += [f"- {note}" for note in writes["class_restore"]]
    lines.append("")
    return "\n".join(lines)


def check_writable_dir(directory: Path, option: str) -> None:
    """Before the run: `directory` can be created and written, else a UsageError (exit 2) naming `option`.

    Found only afterwards, a thorough run's results would be lost to an "internal error".
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except FileExistsError:
        raise UsageError(f"{option} {directory} exists and is not a directory; name a directory") from None
    except NotADirectoryError:
        raise UsageError(f"{option} {directory}: a part of that path is a file, not a directory") from None
    except OSError as exc:
        raise UsageError(f"{option} {directory} cannot be written ({exc.strerror or exc}); name another") from None


def check_report_dir(report_dir: Path) -> None:
    check_writable_dir(report_dir, "--report-dir")


def write_reports(report_dir: Path, document: dict[str, Any]) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    # Generated inputs may hold lone surrogates: JSON escapes them, Markdown backslash-escapes them.
    (report_dir / "result.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    (report_dir / "summary.md").write_text(markdown(document), encoding="utf-8", errors="backslashreplace")


def checks_line(document: dict[str, Any]) -> str:
    """The run's count, in checks: "2 of 24 checks failed, 21 passed, 1 skipped"."""
    counts = document["check_counts"]
    total = sum(counts.values())
    parts = [f"{counts[status]} {status}" for status in ("passed", "skipped") if counts[status]]
    if counts["error"]:
        parts.insert(0, f"{counts['error']} could not run")
    return f"{counts['failed']} of {total} checks failed" + (", " + ", ".join(parts) if parts else "")


def terminal_summary(document: dict[str, Any]) -> str:
    """The verdict after the checks' own lines: the same count of checks, then the causes of failure."""
    run = document["run"]
    lines = [
        f"oneroster-conformance: {document['verdict']}: {checks_line(document)} — {document['target']['base_url']} "
        f"(profile {run['profile']}, seed {run['seed']}, {run['duration_s']} s, "
        f"{sum(run['test_cases'].values())} test cases sent)"
    ]
    groups = group_failures(document["failures"])
    if groups:
        failures = len(document["failures"])
        lines.append(
            f"  why ({failures} failure{'s' if failures != 1 else ''} in {len(groups)} groups of one check and cause; "
            "each in full in the report):"
        )
    for group in groups:
        count = len(group.failures)
        lines.append(f"  - [{group.check}] x{count} on {', '.join(group.operations)}: {group.cause[:160]}")
        departures = dict.fromkeys(s for failure in group.failures for s in failure.get("known_departures", []))
        lines += [f"    known client departure: {sentence}" for sentence in departures]
    for fragment, checks in shared_causes(groups):
        lines.append(
            f"  likely one root cause: {len(checks)} checks fail with {fragment[:120]!r} ({', '.join(checks)})"
        )
    results = document["writes"]["results"]
    lines.append(
        f"  wrote {len(results)} results under {document['writes']['result_prefix']}*; classes updated: "
        f"{', '.join(document['writes']['classes_updated']) or 'none'}"
    )
    lines += [f"  {note}" for note in document["writes"]["class_restore"]]
    return "\n".join(lines)
