"""`id_distinct`: ids are compared as exact strings, and each answer carries its own path id.

The path parameter's schema is a plain string (ResultSourcedId, ClassSourcedId: `type: string`,
no pattern, no normalization), so ids that differ only by letter case, by unicode
normalization (NFC vs NFD), by a percent sign that is part of the id, or by trailing spaces
are different records. Without a read operation the probe sees this through the answers: a
result PUT answers `result.sourcedId` equal to its own path id (putResult: "the path
parameter is the identifier"), also after a PUT to a look-alike id; a class id that only
looks like a given class names no class (updateClass: 404 for an unknown id, not created).
On a remote target only what `Target.permit` allows is sent: the letter-case group (its ids are
in the safe alphabet) by default, the other groups with --fuzz-result-ids, and class look-alikes
with --probe-unknown-classes; when nothing is left the check is skipped saying which option.
"""

from __future__ import annotations

import unicodedata

import pytest

from oneroster_kit.conformance.probes.common import PROBES, Probe
from oneroster_kit.conformance.probes.schema import full_body
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.conformance.target import LiveExchange

__all__ = ["class_look_alikes", "id_distinct", "result_look_alikes"]


def result_look_alikes() -> list[tuple[str, list[str]]]:
    """Groups of id suffixes that name different results although they look alike."""
    return [
        ("letter case", ["Case-Mix", "case-mix", "CASE-MIX"]),
        ("unicode normalization", ["caf\u00e9", "cafe\u0301"]),
        ("percent-encoding", ["pct-A", "pct-%41"]),
        ("an encoded slash", ["pct-a/b", "pct-a%2Fb"]),
        ("trailing spaces", ["trail", "trail ", "trail  "]),
    ]


def class_look_alikes(class_id: str) -> list[tuple[str, str]]:
    """(what differs, id) for ids that look like `class_id` but are other ids."""
    first = class_id[:1]
    found = [
        ("letter case", class_id.swapcase()),
        ("unicode normalization", unicodedata.normalize("NFD", class_id)),
        ("unicode normalization", unicodedata.normalize("NFC", class_id)),
        ("a trailing space", class_id + " "),
    ]
    if first and ord(first) < 128:
        # The id with its first character written as a percent escape: a literal "%63lass-..." id.
        found.append(("percent-encoding", f"%{ord(first):02X}{class_id[1:]}"))
    return [(what, other) for what, other in found if other != class_id]


@PROBES.register
def id_distinct(probe: Probe) -> None:
    target = probe.target
    base = full_body("putResult", example_body("putResult"))
    base["result"].pop("dateLastModified", None)
    # Results only where the target stores results with the suite's made-up references, under new ids.
    groups = result_look_alikes() if probe.can("putResult") and target.creates_results is not False else []
    if target.creates_results is False:
        probe.not_run.append("the target does not create results on PUT: look-alike result ids cannot be written")
    classes = target.class_ids if probe.can("updateClass") else ()
    planned = [
        (what, [target.result_id(f"id-{index}-{suffix}") for suffix in suffixes])
        for index, (what, suffixes) in enumerate(groups, 1)
    ]
    planned = [(what, ids) for what, ids in planned if all(target.may_write_result(rid) for rid in ids)]
    looks = [(c, what, other) for c in classes for what, other in class_look_alikes(c)]
    looks = [(c, what, other) for c, what, other in looks if other not in target.class_ids]
    allowed_looks = [(c, what, other) for c, what, other in looks if target.may_put_class(other)]
    if not planned and not allowed_looks and looks:
        pytest.skip(
            "remote target: every look-alike id is outside what this run may write "
            "(--fuzz-result-ids for result ids, --probe-unknown-classes for class ids)"
        )
    for what, ids in planned:
        # Each id written in turn, then each again: every answer names its own id and its own body.
        written: list[LiveExchange] = []
        for round_name in ("first", "second"):
            for index, rid in enumerate(ids):
                comment = f"{round_name} write of look-alike {index} ({what})"
                body = probe.valid("putResult", {"result": {**base["result"], "sourcedId": rid, "comment": comment}})
                exchange = probe.put("putResult", rid, body)
                earlier = list(written)
                written.append(exchange)
                answered = probe.stored(exchange, f"{what}: PUT to {rid!a}")
                if answered is None:
                    continue
                if answered.get("sourcedId") != rid:
                    others = [other for other in ids if other != rid]
                    probe.problem(
                        exchange,
                        f"PUT to {rid!a} answered sourcedId {answered.get('sourcedId')!a}: ids differing only by "
                        f"{what} are one record ({round_name} write; look-alikes written: {others!a})",
                        before=earlier,
                    )
                elif answered.get("comment") != comment:
                    probe.problem(exchange, f"{what}: PUT to {rid!a} answered another write's comment", before=earlier)
    for class_id in classes:
        exchange = probe.put("updateClass", class_id, {"class": {}})
        answered = probe.stored(exchange, f"PUT to class {class_id!a}")
        if answered is not None and answered.get("sourcedId") != class_id:
            probe.problem(exchange, f"class {class_id!a} answered sourcedId {answered.get('sourcedId')!a}")
    for class_id, what, other in allowed_looks:
        exchange = probe.put("updateClass", other, {"class": {}})
        if exchange.status != 404:
            probe.problem(
                exchange,
                f"class id {other!a} differs from the existing class {class_id!a} only by {what}, so it names "
                f"no class (expected 404 unknownobject), but it answered {exchange.status}",
            )
    probe.finish()
