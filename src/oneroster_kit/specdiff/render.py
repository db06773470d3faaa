"""The report in each output format: text, markdown, json, junit, github (annotations), changelog.

The formats people read (text, markdown) list changes worst first; the machine formats (json,
junit, github annotations) keep the order the changes were found in (file order, SDK check last).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from oneroster_kit.specdiff.model import Audience, Change, Level, Severity
from oneroster_kit.specdiff.report import Report

__all__ = ["FORMATS", "render"]

_LABEL = {
    Severity.BREAKING: "BREAKING",
    Severity.SERVER: "SERVER",
    Severity.NOTICE: "NOTICE",
    Severity.NONE: "compatible",
}
_SHORT = {Audience.CLIENTS: "clients", Audience.SERVERS: "servers", Audience.SDK: "sdk"}


def _file_of(label: str) -> str:
    """The path part of a source label (`HEAD~1:openapi.yaml` -> `openapi.yaml`)."""
    return label.rsplit(":", 1)[1] if ":" in label and not label.startswith("/") else label


def _where(report: Report, change: Change) -> str:
    parts = []
    if change.rev_line is not None:
        parts.append(f"{report.revision}:{change.rev_line} ({change.rev_pointer})")
    if change.base_line is not None:
        parts.append(f"base {report.base}:{change.base_line} ({change.base_pointer})")
    return ", ".join(parts) or "generated SDK"


def _by_severity(report: Report) -> list[Change]:
    """Changes worst first, in file order within a severity: a reader meets the breaks before the rest."""
    return sorted(report.changes, key=lambda change: -change.severity)


def _summary_line(report: Report) -> str:
    counts = report.counts()
    total = len(report.changes)
    shown = ", ".join(f"{n} {_LABEL[Severity[name.upper()]].lower()}" for name, n in counts.items() if n)
    verdict = "fails" if report.exit_code else "passes"
    return (
        f"{total} change{'s' if total != 1 else ''} ({shown or 'none'}); required bump: {report.version.required}; "
        f"{verdict} with --fail-on {report.fail_on} (exit {report.exit_code})"
    )


def _sdk_lines(report: Report) -> list[str]:
    sdk = report.sdk
    if sdk is None:
        return ["SDK check: not run (--no-sdk)"]
    if not sdk.ran:
        return [f"SDK check: {note}" for note in sdk.notes]
    lines = [
        f"SDK check ({sdk.seconds:.1f} s): both SDKs generated; griffe: {sum(b.breaking for b in sdk.api)} API "
        f"break(s), {sum(not b.breaking for b in sdk.api)} other API change(s); answers of {len(sdk.checked)} "
        f"changed response schema(s) drawn from REVISION ({sdk.examples} examples each) and parsed by the BASE SDK: "
        f"{len(sdk.failures)} failure(s)"
    ]
    lines += [f"  note: {note}" for note in sdk.notes]
    return lines


def text(report: Report) -> str:
    lines = [f"oneroster-spec-diff {report.base} -> {report.revision}"]
    if not report.changes:
        lines.append("no changes")
    for change in _by_severity(report):
        mark = " (ignored: " + report.ignored[change.fingerprint] + ")" if change.fingerprint in report.ignored else ""
        lines.append("")
        lines.append(f"{_LABEL[change.severity]:<10} {change.title}  [{change.rule} {change.fingerprint}]{mark}")
        lines.append(f"           at {_where(report, change)}")
        for audience, verdict in change.verdicts.items():
            lines.append(f"           {audience.value}: {verdict.level.value} - {verdict.reason}")
        lines += [f"           proven: {item}" for item in change.evidence]
    lines.append("")
    lines.append(report.version.message)
    lines += _sdk_lines(report)
    lines += [f"unused ignore entry: {fingerprint}" for fingerprint in report.unused_ignores]
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def _md_cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    icon = {Level.BREAKING: "❌ breaking", Level.ATTENTION: "⚠️ attention", Level.COMPATIBLE: "✅ compatible"}
    lines = [f"## Spec changes: `{report.base}` → `{report.revision}`", "", f"**{_summary_line(report)}**", ""]
    if not report.changes:
        lines.append("No changes.")
    else:
        lines.append("| severity | change | wire clients | server implementers | SDK consumers | fingerprint |")
        lines.append("|---|---|---|---|---|---|")
        ordered = _by_severity(report)
        for change in ordered:
            cells = [icon[change.verdicts[a].level] for a in Audience]
            fp = f"`{change.fingerprint}`" + (" (ignored)" if change.fingerprint in report.ignored else "")
            lines.append(f"| {_LABEL[change.severity]} | {_md_cell(change.title)} | {' | '.join(cells)} | {fp} |")
        lines += ["", "<details><summary>Reasons and locations</summary>", ""]
        for change in ordered:
            lines.append(f"- **{_md_cell(change.title)}** (`{change.rule}`, at {_md_cell(_where(report, change))})")
            for audience, verdict in change.verdicts.items():
                lines.append(f"  - {audience.value}: {verdict.level.value}: {_md_cell(verdict.reason)}")
            lines += [f"  - proven: `{_md_cell(item)}`" for item in change.evidence]
        lines += ["", "</details>"]
    lines += ["", f"- {report.version.message}", *(f"- {line.strip()}" for line in _sdk_lines(report))]
    return "\n".join(lines) + "\n"


def _change_json(report: Report, change: Change) -> dict[str, Any]:
    return {
        "fingerprint": change.fingerprint,
        "rule": change.rule,
        "severity": change.severity.name.lower(),
        "failing": report.is_failing(change),
        "ignored": report.ignored.get(change.fingerprint),
        "operation": change.operation,
        "direction": change.direction,
        "where": change.where,
        "detail": change.detail,
        "statuses": change.statuses,
        "base": {"pointer": change.base_pointer, "line": change.base_line},
        "revision": {"pointer": change.rev_pointer, "line": change.rev_line},
        "audiences": {_SHORT[a]: {"level": v.level.value, "reason": v.reason} for a, v in change.verdicts.items()},
        "evidence": change.evidence,
    }


def as_json(report: Report) -> str:
    sdk = report.sdk
    document = {
        "base": report.base,
        "revision": report.revision,
        "exit_code": report.exit_code,
        "fail_on": report.fail_on,
        "counts": report.counts(),
        "version": {
            "base": report.version.base,
            "revision": report.version.revision,
            "required_bump": report.version.required,
            "actual_bump": report.version.actual,
            "ok": report.version.ok,
            "message": report.version.message,
        },
        "sdk": None
        if sdk is None
        else {
            "ran": sdk.ran,
            "notes": sdk.notes,
            "seconds": round(sdk.seconds, 3),
            "checked": [{"operation": op, "status": status} for op, status in sdk.checked],
            "examples": sdk.examples,
            "api": [{"kind": b.kind, "path": b.path, "breaking": b.breaking} for b in sdk.api],
            "failures": len(sdk.failures),
        },
        "changes": [_change_json(report, change) for change in report.changes],
        "unused_ignores": report.unused_ignores,
    }
    return json.dumps(document, indent=2, default=str) + "\n"


def junit(report: Report) -> str:
    suite = ET.Element("testsuite", name="oneroster-spec-diff", tests=str(len(report.changes) + 1))
    suite.set("failures", str(len(report.failing) + (1 if report.check_version and not report.version.ok else 0)))
    for change in report.changes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"spec.{change.operation}.{change.direction}",
            name=f"{change.title} [{change.fingerprint}]",
        )
        body = "\n".join(f"{a.value}: {v.level.value} - {v.reason}" for a, v in change.verdicts.items())
        body += "".join(f"\nproven: {item}" for item in change.evidence)
        if change.fingerprint in report.ignored:
            ET.SubElement(case, "skipped", message=f"ignored: {report.ignored[change.fingerprint]}")
        elif report.is_failing(change):
            failure = ET.SubElement(case, "failure", message=f"{_LABEL[change.severity]}: {change.rule}")
            failure.text = f"at {_where(report, change)}\n{body}"
        else:
            ET.SubElement(case, "system-out").text = body
    version = ET.SubElement(suite, "testcase", classname="spec.info", name="info.version")
    if report.check_version and not report.version.ok:
        ET.SubElement(version, "failure", message=report.version.message)
    else:
        ET.SubElement(version, "system-out").text = report.version.message
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _escape_annotation(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_annotation(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per change, on its line of REVISION."""
    path = _file_of(report.revision)
    lines = []
    for change in report.changes:
        if change.fingerprint in report.ignored:
            continue
        level = "error" if report.is_failing(change) else "warning" if change.severity >= Severity.SERVER else "notice"
        where = _escape_property(path)
        location = f"file={where},line={change.rev_line}," if change.rev_line else f"file={where},"
        reasons = "; ".join(f"{a.value}: {v.level.value} ({v.reason})" for a, v in change.verdicts.items())
        title = f"{_LABEL[change.severity]} {change.rule} [{change.fingerprint}]"
        lines.append(
            f"::{level} {location}title={_escape_property(title)}::{_escape_annotation(change.title + ' - ' + reasons)}"
        )
    version_level = "error" if report.check_version and not report.version.ok else "notice"
    lines.append(f"::{version_level} file={_escape_property(path)}::{_escape_annotation(report.version.message)}")
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def changelog(report: Report) -> str:
    """The SDK changelog entry the change deserves (Keep a Changelog style)."""
    sdk_breaking = [c for c in report.changes if c.verdicts[Audience.SDK].level is Level.BREAKING]
    docs = [c for c in report.changes if c.rule in ("documentation-changed", "info-changed")]
    other = [c for c in report.changes if c not in sdk_breaking and c not in docs]
    version = (
        report.version.revision
        if report.version.ok
        else f"{report.version.revision} (needs a {report.version.required} bump)"
    )
    lines = [f"## oneroster-client {version}: {report.version.required} release", ""]
    if not report.changes:
        lines.append("No changes to the contract.")
    sections = (("Breaking changes", sdk_breaking), ("Changes", other), ("Documentation", docs))
    for title, items in sections:
        if not items:
            continue
        lines.append(f"### {title}")
        for change in items:
            reason = change.verdicts[Audience.SDK].reason if title == "Breaking changes" else ""
            lines.append(f"- {change.title}" + (f": {reason}" if reason else ""))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text,
    "markdown": markdown,
    "json": as_json,
    "junit": junit,
    "github": github,
    "changelog": changelog,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)
