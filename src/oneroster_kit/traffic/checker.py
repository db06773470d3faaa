"""One pass over the traffic files: read, match, check each exchange, follow resources, count coverage."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from oneroster_kit.checks import CHECKS
from oneroster_kit.contract import Contract, default_contract
from oneroster_kit.traffic.applicability import skipped_checks
from oneroster_kit.traffic.blame import judge, parse_json
from oneroster_kit.traffic.context import Context, Grant
from oneroster_kit.traffic.coverage import Coverage
from oneroster_kit.traffic.exchange import Exchange, Skipped
from oneroster_kit.traffic.findings import Party
from oneroster_kit.traffic.matching import Match, Matcher
from oneroster_kit.traffic.ndjson import Meta
from oneroster_kit.traffic.privacy import Redactor, token_id
from oneroster_kit.traffic.semantics import Semantics
from oneroster_kit.traffic.sources import Format, read_all

__all__ = ["SKIPPED_LISTED", "TrafficOptions", "check_traffic"]

SKIPPED_LISTED = 100
_UNDOCUMENTED_GROUPS = 1000


@dataclass(frozen=True)
class TrafficOptions:
    files: tuple[Path, ...]
    fmt: Format = "auto"
    base_url: str | None = None
    blame: frozenset[Party] = frozenset({"client", "server"})
    redact: tuple[str, ...] = ()
    class_ids: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    report_dir: Path | None = None
    resource_limit: int = 20_000
    paths: tuple[tuple[str, str], ...] = ()  # (operationId, template) where the recorded server serves it


def _grant(ctx: Context, exchange: Exchange) -> bool:
    """Remember what a token endpoint answer says about its token (by digest); True if it was one."""
    if exchange.method != "POST" or not 200 <= exchange.status < 300:
        return False
    try:
        answer = parse_json(exchange.response.body)
    except ValueError:
        return False
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        return False
    scope = answer.get("scope")
    if not isinstance(scope, str) and exchange.request.body:
        # RFC 6749 5.1: a grant without `scope` has the scope that was asked for.
        asked = parse_qs(exchange.request.body.decode("utf-8", "replace")).get("scope")
        scope = asked[0] if asked else None
    expires_in = answer.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and exchange.started is not None:
        expires_at = exchange.started + datetime.timedelta(seconds=float(expires_in))
    scopes = frozenset(scope.split()) if isinstance(scope, str) else None
    ctx.grants.put(token_id(answer["access_token"]), Grant(scopes, expires_at, exchange.ref))
    return True


def _binary_body(exchange: Exchange) -> str | None:
    """Why an exchange's body cannot be checked as text (binary data), or None."""
    for what, body in (("request", exchange.request.body), ("response", exchange.response.body)):
        if body:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return f"the {what} body is binary (not UTF-8 text); not checked"
    return None


def check_traffic(options: TrafficOptions, contract: Contract | None = None) -> dict[str, Any]:
    """Check every exchange against `contract` (default: the spec in use); the result document (see
    report.py). Raises SourceError for unreadable files."""
    contract = default_contract() if contract is None else contract
    started = time.time()
    meta = Meta()
    ctx = Context(
        redactor=Redactor(options.redact),
        blame=options.blame,
        selected=frozenset(options.checks),
        known_class_ids=meta.known_class_ids,
        resource_limit=options.resource_limit,
    )
    meta.known_class_ids.update(options.class_ids)
    matcher = Matcher(options.base_url, contract, dict(options.paths))
    semantics = Semantics(ctx, contract)
    coverage = Coverage(contract)
    counts: Counter[str] = Counter()
    skipped: list[dict[str, str]] = []
    undocumented: Counter[tuple[str, str]] = Counter()
    near_misses: Counter[str] = Counter()
    for _path, item in read_all(list(options.files), options.fmt, meta):
        if isinstance(item, Skipped):
            counts["skipped"] += 1
            if len(skipped) < SKIPPED_LISTED:
                skipped.append({"ref": item.ref, "reason": item.reason})
            continue
        counts["read"] += 1
        if _grant(ctx, item):
            counts["token_grants"] += 1
            continue
        found = matcher.match(item.method, item.url)
        if not isinstance(found, Match):
            counts["undocumented"] += 1
            hint = matcher.near_miss(item.url)
            if hint is not None and (hint in near_misses or len(near_misses) < 20):
                near_misses[hint] += 1
            key = (found.where, found.reason)
            if key in undocumented or len(undocumented) < _UNDOCUMENTED_GROUPS:
                undocumented[key] += 1
            else:
                undocumented[("(other undocumented exchanges)", "")] += 1
            continue
        binary = _binary_body(item)
        if binary is not None:
            counts["skipped"] += 1
            if len(skipped) < SKIPPED_LISTED:
                skipped.append({"ref": item.ref, "reason": binary})
            continue
        counts["checked"] += 1
        judged = judge(ctx, item, found)
        if judged is None:
            continue
        coverage.observe(judged.operation.operation_id, item.status, judged.request)
        semantics.observe(item, judged)
    document = _document(
        options, contract, ctx, matcher, semantics, coverage, counts, skipped, undocumented, meta, started
    )
    document["hints"] = [
        f"{count} undocumented exchange{'s' if count != 1 else ''} look like {hint}"
        for hint, count in near_misses.most_common(5)
    ]
    return document


def _document(
    options: TrafficOptions,
    contract: Contract,
    ctx: Context,
    matcher: Matcher,
    semantics: Semantics,
    coverage: Coverage,
    counts: Counter[str],
    skipped: list[dict[str, str]],
    undocumented: Counter[tuple[str, str]],
    meta: Meta,
    started: float,
) -> dict[str, Any]:
    findings = ctx.findings
    counted = [name for name, n in findings.counts.items() if n and findings.parties[name] in options.blame]
    exit_code = 2 if counts["checked"] == 0 else 1 if counted else 0
    checks: dict[str, dict[str, Any]] = {}
    for name in sorted(set(findings.applied) | set(findings.counts)):
        checks[name] = {
            "party": CHECKS[name].party,
            "rule": CHECKS.rule_of(name),
            "exchanges_checked": findings.applied.get(name, 0),
            "failed": findings.counts.get(name, 0),
        }
    # A check the recording could not exercise is listed as skipped, with what it would have needed.
    skipped_names = skipped_checks(findings.applied, ctx.selected, semantics.bare_results, counts["checked"])
    for name, reason in skipped_names.items():
        if name not in checks:
            checks[name] = {
                "party": CHECKS[name].party,
                "rule": CHECKS.rule_of(name),
                "exchanges_checked": 0,
                "failed": 0,
                "skipped": reason,
            }
    failures = [f.as_dict() for name in sorted(findings.examples) if name in counted for f in findings.examples[name]]
    other = [f.as_dict() for name in sorted(findings.examples) if name not in counted for f in findings.examples[name]]
    notes = []
    if semantics.evicted or ctx.grants.evicted:
        notes.append(
            f"more than {options.resource_limit} resources were written: sequences on the least recently written "
            f"ones were not followed further ({semantics.evicted + ctx.grants.evicted} states dropped)"
        )
    if meta.known_class_ids:
        source = "the recording's meta line" if meta.recorder else "--class-id"
        notes.append(f"{len(meta.known_class_ids)} class ids known to exist (from {source}); others must answer 404")
    if counts["token_grants"] == 0 and ctx.tokens_with_claims == 0:
        notes.append(
            "no token grant in the traffic and no token stating its own claims (JWT): auth_scope and "
            "auth_expired_token could not be judged"
        )
    return {
        "verdict": {0: "conforms", 1: "does not conform"}.get(exit_code, "nothing checked"),
        "exit_code": exit_code,
        "kind": "traffic",
        "spec_sha256": contract.sha256,
        "inputs": [str(p) for p in options.files],
        "blame": sorted(options.blame),
        "base": matcher.base,
        "base_inferred": matcher.inferred,
        "redacted_fields": list(options.redact),
        "exchanges": {
            key: counts.get(key, 0) for key in ("read", "checked", "undocumented", "token_grants", "skipped")
        },
        "failed_checks": {name: findings.counts[name] for name in sorted(counted)},
        "other_party_checks": {name: n for name, n in sorted(findings.counts.items()) if name not in counted and n},
        "checks": checks,
        "failures": failures,
        "other_party_findings": other,
        "skipped": skipped,
        "undocumented": [
            {"where": where, "reason": reason, "count": n} for (where, reason), n in undocumented.most_common(50)
        ],
        "coverage": coverage.document(),
        "notes": notes,
        "duration_s": round(time.time() - started, 3),
    }
