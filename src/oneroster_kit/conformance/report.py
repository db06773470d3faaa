"""The run's reports: a JSON result and a Markdown summary (JUnit XML comes from pytest).

The Markdown summary is written for someone who never saw the suite: what was checked, against
what, the verdict, how each operation answered the preflight, then what to fix first: the causes
ranked (`oneroster_kit.conformance.causes`), each with the failure groups it explains. A group
of a defect shows its representative in full (the rule of the spec that was broken, the minimal
input, a curl command that reproduces it, token redacted); a group a blocking or dialect cause
explains is one line with its own example, after the first one in full. A run that stops at
set-up still writes its reports (`write_setup_failure`), so CI always gets a `junit.xml`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from oneroster_kit.checks import CHECKS
from oneroster_kit.conformance.causes import Cause, blocking_findings, rank_causes
from oneroster_kit.conformance.dialect import recognise
from oneroster_kit.conformance.grouping import FailureGroup, clip, example_of, wrap
from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.session import RunOutcome
from oneroster_kit.conformance.target import Target
from oneroster_kit.spec import spec_sha256
from oneroster_kit.usage import UsageError

__all__ = [
    "check_report_dir",
    "check_writable_dir",
    "console_width",
    "operation_lines",
    "result_document",
    "setup_document",
    "terminal_summary",
    "write_reports",
    "write_setup_failure",
]

_LISTED = 50  # ids listed in the Markdown summary (all of them are in result.json)


def console_width() -> int:
    """The terminal's width (COLUMNS when set); 100 when there is no terminal (a CI log)."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def operation_states(target: Target) -> dict[str, dict[str, Any]]:
    """The preflight's findings per operation, as data."""
    return {
        name: {
            "label": state.label,
            "served": state.served,
            "checked": state.checked,
            "reason": state.reason,
            "creates": state.creates,
            "hint": state.hint,
            "url": state.exchange.url if state.exchange is not None else None,
            "status": state.exchange.status if state.exchange is not None else None,
        }
        for name, state in target.operations.items()
    }


def diagnosis(target: Target) -> dict[str, Any]:
    """The causes across the run (blocking) and the dialect traits it showed, for `causes.rank_causes`."""
    observed = target.observations.summary()
    return {
        "blocking": blocking_findings(observed, operation_states(target)),
        "dialect": [t.as_dict() for t in recognise(observed, target.paths.departures(), target.granted_scope)],
    }


def _target_part(target: Target) -> dict[str, Any]:
    return {
        "base_url": target.base_url,
        "embedded": not target.remote,
        "class_ids": list(target.class_ids),
        "result_ids": list(target.result_ids),
        "paths": dict(target.paths.overrides),
    }


def result_document(options: Options, target: Target, outcome: RunOutcome, exit_code: int) -> dict[str, Any]:
    finished = outcome.finished or outcome.started
    return {
        "verdict": {0: "conforms", 1: "does not conform"}.get(exit_code, "error"),
        "exit_code": exit_code,
        "target": _target_part(target),
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
        "operations": operation_states(target),
        "diagnosis": diagnosis(target),
        "observed": target.observations.summary(),
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
    lines += _operations_markdown(document)
    failures = document["failures"]
    causes = rank_causes(document)
    if failures:
        by_check = Counter(f["check"] for f in failures)
        lines += ["## Failures by check", "", "| check | failures | rule of the spec |", "|---|---|---|"]
        for name, count in sorted(by_check.items()):
            rule = CHECKS[name].rule if name in CHECKS else ""
            lines.append(f"| `{name}` | {count} | {rule} |")
        lines.append("")
    if causes:
        groups = len({id(group) for cause in causes for group in cause.groups})
        lines += [
            "## What to fix first",
            "",
            f"{_count(len(failures), 'failure')} in {_count(groups, 'group')} (same check, same cause), explained by "
            f"{_count(len(causes), 'cause')}, ranked: first what makes other checks meaningless (blocking), "
            "then another dialect of OneRoster (a departure from the spec, not a broken behaviour), then the "
            "defects, most checks first.",
            "",
        ]
        for index, cause in enumerate(causes, 1):
            verb = "Explains" if cause.kind == "blocking" else "Seen in"
            explained = f" {verb} {_checks_text(cause)}." if cause.groups else ""
            lines.append(f"{index}. **{cause.kind}**: {_inline(cause.title)}.{explained}")
        lines.append("")
        shown: set[int] = set()
        for index, cause in enumerate(causes, 1):
            lines += _cause_section(index, cause, shown)
    if document["skipped"]:
        lines += ["## Skipped checks", ""]
        lines += [f"- `{s['test']}`: {s['reason']}" for s in document["skipped"]]
        lines.append("")
    results, named = _written(document)
    lines += [
        "## What this run wrote on the target",
        "",
        f"- {len(results)} results, every sourcedId starting with `{writes['result_prefix']}`"
        + (":" if results else "."),
    ]
    lines += [f"  - `{_inline(r)}`" for r in results[:_LISTED]]
    if len(results) > _LISTED:
        lines.append(f"  - … and {len(results) - _LISTED} more (all listed in result.json)")
    if named:
        lines.append(f"- named results updated (--result-id): {', '.join(f'`{_inline(r)}`' for r in named)}")
    lines.append(f"- classes updated: {', '.join(f'`{c}`' for c in writes['classes_updated']) or 'none'}")
    lines += [f"- {note}" for note in writes["class_restore"]]
    lines.append("")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _written(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The results the run wrote: under its prefix, and the named ones it updated (--result-id)."""
    writes = document["writes"]
    prefixed = [r for r in writes["results"] if r.startswith(writes["result_prefix"])]
    return prefixed, [r for r in writes["results"] if not r.startswith(writes["result_prefix"])]


def _checks_text(cause: Cause) -> str:
    count = cause.failures
    return f"{', '.join(f'`{c}`' for c in cause.checks)} ({count} failure{'s' if count != 1 else ''})"


def _operations_markdown(document: dict[str, Any]) -> list[str]:
    operations = document.get("operations") or {}
    if not operations:
        return []
    lines = ["## Operations (preflight)", ""]
    for state in operations.values():
        lines.append(
            f"- **{state['label']}**: {_inline(state['reason'])}"
            + (f"; {_inline(state['hint'])}" if state.get("hint") else "")
        )
    return [*lines, ""]


_KIND_MEANS = {
    "blocking": "Blocking: the checks it explains tested nothing else; fix it first, then run again.",
    "dialect": "Another dialect of OneRoster: a departure from the spec (it fails conformance), not a broken "
    "behaviour; the checks read through it where they could, so the defects below are the server's own.",
    "defect": "A defect: the server's own behaviour breaks the rule.",
}


def _cause_section(index: int, cause: Cause, shown: set[int]) -> list[str]:
    """A cause: what it means, then each group it shows in (its own words); the first group not shown
    in full yet, in full (rule, input, reproduction); the others one line each."""
    lines = [f"### {index}. {_inline(cause.title)}", "", f"*{_KIND_MEANS[cause.kind]}*", ""]
    if not cause.entries:
        return [*lines, "No failed check rests on it.", ""]
    lines += [_group_line(group, example) for group, example in cause.entries]
    lines.append("")
    first = next((group for group in cause.groups if id(group) not in shown), None)
    if first is not None and cause.kind != "dialect":  # a dialect is one decision: its lines say enough
        shown.add(id(first))
        lines += _group_in_full(f"{index}.", first)
    return [*lines, ""]


def _group_line(group: FailureGroup, example: str) -> str:
    count = len(group.failures)
    return f"- `{group.check}` x{count} on {', '.join(group.operations)}: {_inline(clip(example, 300))}"


def _group_in_full(number: str, group: FailureGroup) -> list[str]:
    failure = group.representative
    count = len(group.failures)
    lines = [
        f"#### {number} In full: `{group.check}`, {count} failure{'s' if count != 1 else ''} "
        f"({', '.join(group.operations)})",
        "",
        f"- **Rule broken:** {failure['rule']}",
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
            lines.append(f"- {other['operation']}: {_inline(clip(example_of(other), 160))}; input `{shown}`")
        if len(others) > _LISTED:
            lines.append(f"- … and {len(others) - _LISTED} more (all in result.json)")
    return [*lines, ""]


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


def operation_lines(operations: dict[str, dict[str, Any]], width: int) -> list[str]:
    """How each operation answered the preflight, wrapped to the terminal."""
    lines: list[str] = []
    for state in operations.values():
        text = state["reason"] + (f"; {state['hint']}" if state.get("hint") else "")
        lines += wrap(text, width, "      ", f"  {state['label']}: ", lines=4)
    return lines


def terminal_summary(document: dict[str, Any], width: int | None = None) -> str:
    """The verdict after the checks' own lines: the same count of checks, then the causes to fix, ranked."""
    width = width or console_width()
    run = document["run"]
    lines = [
        f"oneroster-conformance: {document['verdict']}: {checks_line(document)} — {document['target']['base_url']} "
        f"(profile {run['profile']}, seed {run['seed']}, {run['duration_s']} s, "
        f"{sum(run['test_cases'].values())} test cases sent)"
    ]
    causes = rank_causes(document)
    failures = len(document["failures"])
    if causes:
        groups = len({id(group) for cause in causes for group in cause.groups})
        lines.append(
            f"  what to fix first ({_count(failures, 'failure')} in {_count(groups, 'group')} of one check and cause, "
            f"{_count(len(causes), 'cause')}; each in full in summary.md):"
        )
    for index, cause in enumerate(causes, 1):
        lines += wrap(cause.title, width, "       ", f"  {index}. {cause.kind}: ")
        if cause.groups:
            count = len(cause.checks)
            verb = "explains" if cause.kind == "blocking" else "in"
            lines.append(
                f"     {verb} {count} check{'s' if count != 1 else ''}, {cause.failures} failure"
                f"{'s' if cause.failures != 1 else ''}:"
            )
        for group, example in cause.entries:
            head = f"     - [{group.check}] x{len(group.failures)} on {', '.join(group.operations)}: "
            lines.append(head + clip(example, max(20, width - len(head))))
            departures = dict.fromkeys(s for failure in group.failures for s in failure.get("known_departures", []))
            lines += [clip(f"       known client departure: {sentence}", width) for sentence in departures]
    results, named = _written(document)
    lines.append(
        f"  wrote {len(results)} results under {document['writes']['result_prefix']}*"
        + (f", updated the named results {', '.join(named)}" if named else "")
        + f"; classes updated: {', '.join(document['writes']['classes_updated']) or 'none'}"
    )
    lines += [f"  {note}" for note in document["writes"]["class_restore"]]
    return "\n".join(lines)


def setup_document(
    options: Options | None, message: str, target: Target | None, started: float | None = None
) -> dict[str, Any]:
    """The result document of a run that stopped at set-up or at its command line (exit 2): what the
    preflight found, and why."""
    started = time.time() if started is None else started
    return {
        "verdict": "error",
        "exit_code": 2,
        "setup_error": message,
        "target": _target_part(target)
        if target is not None
        else {"base_url": options.base_url if options is not None else None},
        "spec_sha256": spec_sha256(),
        "run": {
            "run_id": options.run_id if options is not None else None,
            "seed": options.seed if options is not None else None,
            "started": started,
            "duration_s": round(time.time() - started, 3),
        },
        "operations": operation_states(target) if target is not None else {},
        "checks": {},
        "failures": [],
    }


def write_setup_failure(report_dir: Path, document: dict[str, Any]) -> None:
    """The three reports of a run that stopped at set-up: CI sees one errored test case saying why."""
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "result.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# OneRoster conformance report",
        "",
        "**Verdict: error** (exit code 2): the run stopped at set-up, before any check.",
        "",
        f"- {_inline(document['setup_error'])}",
        "",
        *_operations_markdown(document),
    ]
    (report_dir / "summary.md").write_text("\n".join(lines), encoding="utf-8", errors="backslashreplace")
    suite = ET.Element("testsuite", name="oneroster-conformance", tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", classname="oneroster-conformance", name="setup", time="0")
    error = ET.SubElement(case, "error", message=document["setup_error"][:1000])
    error.text = "\n".join(f"{state['label']}: {state['reason']}" for state in document["operations"].values())
    (report_dir / "junit.xml").write_bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))
