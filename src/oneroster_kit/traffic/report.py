"""The traffic check's reports: the terminal summary, `summary.md`, `result.json` and `junit.xml`.

The same four outputs as the active suite, in the same spirit: the verdict first, then one
section per failed check with its rule, the exchanges it rests on, the request (redacted) and a
curl command (token redacted). `result.json` is written by the suite's own writer style (indent 2,
lone surrogates escaped); `junit.xml` has one test case per check that looked at any exchange.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

__all__ = ["markdown", "terminal_summary", "write_reports"]

_SKIPS_SHOWN = 10
_CHECKS_SHOWN = 25  # checks that could not run, listed on the terminal (server checks first)


def _fence(text: str) -> str:
    return "```\n" + text.replace("```", "'''") + "\n```"


def _counts(document: dict[str, Any]) -> str:
    e = document["exchanges"]
    return (
        f"{e['read']} exchanges read: {e['checked']} matched an operation, {e['undocumented']} undocumented, "
        f"{e['token_grants']} token grants; {e['skipped']} entries skipped"
    )


def markdown(document: dict[str, Any]) -> str:
    lines = [
        "# OneRoster traffic conformance report",
        "",
        f"**Verdict: {document['verdict']}** (exit code {document['exit_code']}; findings of "
        f"{' and '.join(document['blame'])} decide it).",
        "",
        "Recorded traffic from " + ", ".join(f"`{p}`" for p in document["inputs"]) + " was checked against "
        f"`openapi.yaml` (sha256 `{document['spec_sha256'][:12]}…`): each request against the request schema "
        "(blamed on the client), each answer against the documented statuses, content types, headers and schemas "
        "(blamed on the server), and each resource across exchanges (echo, upsert, class merge, 404 for unknown "
        "classes, dateLastModified, auth).",
        "",
        f"- {_counts(document)}",
        f"- base `{document['base'] or '(none matched)'}`" + (" (inferred)" if document["base_inferred"] else ""),
    ]
    if document["redacted_fields"]:
        lines.append(f"- redacted body fields: {', '.join(f'`{f}`' for f in document['redacted_fields'])}")
    lines += [f"- {note}" for note in document["notes"]]
    lines += [f"- hint: {hint}" for hint in document.get("hints", [])]
    lines.append("")
    if document["failed_checks"]:
        lines += ["## Failures by check", "", "| check | party | findings | rule of the spec |", "|---|---|---|---|"]
        for name, count in document["failed_checks"].items():
            check = document["checks"][name]
            lines.append(f"| `{name}` | {check['party']} | {count} | {check['rule']} |")
        lines += ["", "## Failures", ""]
        lines += _finding_sections(document["failures"])
    if document["other_party_checks"]:
        lines += ["## Findings not counted (the other party)", ""]
        lines += [f"- `{name}`: {n}" for name, n in document["other_party_checks"].items()]
        lines.append("")
    could_not = _could_not_run(document)
    if could_not:
        lines += ["## Checks that could not run on this recording", ""]
        lines += [f"- `{name}`: {reason}" for name, reason in could_not.items()]
        lines.append("")
    lines += ["## Coverage", ""]
    for name, op in document["coverage"].items():
        seen = ", ".join(f"{s} x{n}" for s, n in op["statuses_seen"].items()) or "none"
        lines += [
            f"### {name}: {op['exchanges']} exchanges",
            "",
            f"- statuses seen: {seen}; documented but never seen: "
            + (", ".join(map(str, op["statuses_never_seen"])) or "none"),
            f"- request fields never sent ({len(op['fields_never_sent'])} of {len(op['fields'])}): "
            + (", ".join(f"`{f}`" for f in op["fields_never_sent"]) or "none"),
        ]
        for path, row in op["fields"].items():
            if "enum" in row:
                values = ", ".join(f"`{v}` x{n}" if n else f"~~`{v}`~~" for v, n in row["enum"].items())
                extra = ""
                if "outside_enum" in row:
                    extra = "; outside the enum: " + ", ".join(f"`{v}` x{n}" for v, n in row["outside_enum"].items())
                lines.append(f"- `{path}` enum values (struck: never sent): {values}{extra}")
        lines.append("")
    if document["undocumented"]:
        lines += ["## Undocumented exchanges (not errors)", "", "| exchanges | where | why |", "|---|---|---|"]
        lines += [f"| {u['count']} | `{u['where']}` | {u['reason']} |" for u in document["undocumented"]]
        lines.append("")
    if document["skipped"]:
        lines += ["## Entries skipped", ""]
        lines += [f"- {s['ref']}: {s['reason']}" for s in document["skipped"]]
        total = document["exchanges"]["skipped"]
        if total > len(document["skipped"]):
            lines.append(f"- … and {total - len(document['skipped'])} more")
        lines.append("")
    return "\n".join(lines)


def _could_not_run(document: dict[str, Any]) -> dict[str, str]:
    return {name: check["skipped"] for name, check in document["checks"].items() if check.get("skipped")}


def _finding_sections(findings: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for index, finding in enumerate(findings, 1):
        lines += [
            f"### {index}. `{finding['check']}` ({finding['party']}) on {finding['operation']}",
            "",
            f"- **Rule broken:** {finding['rule']}",
            f"- **What happened:** {finding['message']}",
            f"- **Exchanges:** {', '.join(finding['exchanges'])}",
        ]
        if finding.get("input") is not None:
            lines += ["", "Request body:", "", _fence(json.dumps(finding["input"], indent=2)[:3000])]
        if finding.get("curl"):
            lines += ["", "Replay (token redacted):", "", _fence(finding["curl"][:4000])]
        lines.append("")
    return lines


def junit(document: dict[str, Any]) -> bytes:
    checks = document["checks"]
    failing = set(document["failed_checks"])
    uncounted = document["other_party_checks"]
    could_not = _could_not_run(document)
    suite = ET.Element(
        "testsuite",
        name="oneroster-conformance traffic",
        tests=str(len(checks)),
        failures=str(len(failing)),
        errors="0",
        skipped=str(len(uncounted) + len(could_not)),
        time=str(document["duration_s"]),
    )
    examples: dict[str, list[dict[str, Any]]] = {}
    for finding in document["failures"]:
        examples.setdefault(finding["check"], []).append(finding)
    for name, check in checks.items():
        case = ET.SubElement(suite, "testcase", classname=f"traffic.{check['party']}", name=name, time="0")
        if name in failing:
            text = "\n".join(f"{f['exchanges'][-1]}: {f['message']}" for f in examples.get(name, []))
            failure = ET.SubElement(
                case, "failure", message=f"{document['failed_checks'][name]} findings: {check['rule']}"
            )
            failure.text = text
        elif name in could_not:
            ET.SubElement(case, "skipped", message=could_not[name])
        elif name in uncounted:
            ET.SubElement(
                case,
                "skipped",
                message=f"{uncounted[name]} findings of the {check['party']}, not counted "
                f"(--blame {','.join(document['blame'])})",
            )
    data: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
    return data


def write_reports(report_dir: Path, document: dict[str, Any]) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "result.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    (report_dir / "summary.md").write_text(markdown(document), encoding="utf-8", errors="backslashreplace")
    (report_dir / "junit.xml").write_bytes(junit(document))


def terminal_summary(document: dict[str, Any]) -> str:
    lines = [f"oneroster-conformance traffic: {document['verdict']} — {_counts(document)} ({document['duration_s']} s)"]
    shown: set[str] = set()
    for finding in document["failures"]:
        if finding["check"] in shown:
            continue
        shown.add(finding["check"])
        count = document["failed_checks"][finding["check"]]
        lines.append(
            f"  FAIL [{finding['check']}] ({finding['party']}) {count}x, e.g. {finding['exchanges'][-1]} "
            f"{finding['operation']}: {finding['message'][:160]}"
        )
    for name, n in document["other_party_checks"].items():
        lines.append(f"  note [{name}] {n}x (not counted: --blame {','.join(document['blame'])})")
    for name, op in document["coverage"].items():
        never = len(op["fields_never_sent"])
        lines.append(
            f"  coverage {name}: {op['exchanges']} exchanges, statuses "
            f"{','.join(op['statuses_seen']) or 'none'}; {never} of {len(op['fields'])} request fields never sent"
        )
    lines += [f"  {note}" for note in document["notes"]]
    lines += [f"  hint: {hint}" for hint in document.get("hints", [])]
    could_not = _could_not_run(document)
    listed = sorted(could_not, key=lambda name: (document["checks"][name]["party"] != "server", name))
    lines += [f"  skip [{name}]: {could_not[name]}" for name in listed[:_CHECKS_SHOWN]]
    if len(could_not) > _CHECKS_SHOWN:
        lines.append(f"  … {len(could_not) - _CHECKS_SHOWN} more checks could not run (summary.md lists them)")
    skipped = document["skipped"]
    lines += [f"  skipped {s['ref']}: {s['reason']}" for s in skipped[:_SKIPS_SHOWN]]
    if document["exchanges"]["skipped"] > min(len(skipped), _SKIPS_SHOWN):
        lines.append(
            f"  … {document['exchanges']['skipped'] - min(len(skipped), _SKIPS_SHOWN)} more skipped (summary.md)"
        )
    return "\n".join(lines)
