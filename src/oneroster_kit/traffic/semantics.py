"""The suite's semantic checks, made across the exchanges of a recording.

Each resource (a result id, a class id) is followed through the writes the traffic holds:
result_echo, result_upsert, class_merge, class_unknown_404 and date_last_modified compare an
answer with its request and with the earlier answers for the same resource, and cite every
exchange a finding rests on. State is kept for the `resource_limit` most recently written
resources per operation (a compact digest per field, not the documents), so memory is bounded.
This assumes the recording holds every write to a resource; a write it missed (another client, a
lost log line) can make a later answer look wrong.
"""

from __future__ import annotations

import array
import datetime
from dataclasses import dataclass
from typing import Any

import orjson

from oneroster_kit.checks import CHECKS, Check
from oneroster_kit.compare import echo_mismatches
from oneroster_kit.contract import SERVER_SET, Contract, imsx_problems
from oneroster_kit.instants import parse_instant
from oneroster_kit.traffic.blame import Judged
from oneroster_kit.traffic.context import Bounded, Context
from oneroster_kit.traffic.exchange import Exchange

__all__ = ["ACROSS_EXCHANGES", "Semantics", "class_object"]

# The checks made here, from the registry (each name written once; the per-exchange checks register
# their functions in blame.py).
RESULT_ECHO = CHECKS.running_in("traffic", "result_echo")
RESULT_UPSERT = CHECKS.running_in("traffic", "result_upsert")
ID_DISTINCT = CHECKS.running_in("traffic", "id_distinct")
WRITE_ATOMIC = CHECKS.running_in("traffic", "write_atomic")
CLASS_UNKNOWN_404 = CHECKS.running_in("traffic", "class_unknown_404")
CLASS_MERGE = CHECKS.running_in("traffic", "class_merge")
DATE_LAST_MODIFIED = CHECKS.running_in("traffic", "date_last_modified")
ACROSS_EXCHANGES = (
    RESULT_ECHO,
    RESULT_UPSERT,
    ID_DISTINCT,
    WRITE_ATOMIC,
    CLASS_UNKNOWN_404,
    CLASS_MERGE,
    DATE_LAST_MODIFIED,
)

_SAME_MILLISECOND = datetime.timedelta(milliseconds=10)  # writes closer than this need not advance


def _canonical(value: Any) -> Any:
    """A form where values equal for the contract are equal: instants as UTC, 1 == 1.0."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        instant = parse_instant(value)
        return ("instant", instant.astimezone(datetime.UTC).isoformat()) if instant is not None else value
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return repr(value)


# Digests are Python's own 64-bit hashes: they are compared only within one run (the hash seed
# differs between runs), cost a fraction of a cryptographic hash, and two different values share
# one with a chance of about 2**-64 per comparison. Scalars are tagged with their JSON kind, so
# true and 1 (equal in Python) never share a digest.
def _digest(value: Any) -> int:
    """A field value's digest: scalars in canonical form (87.5 == 87.50, instants in UTC), objects
    and lists as their sorted JSON (canonicalising every nested member cost more than all the rest)."""
    if isinstance(value, dict | list):
        try:
            return hash(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        except TypeError:  # an integer beyond 64 bits
            return hash(repr(_canonical(value)))
    kind = "bool" if isinstance(value, bool) else "number" if isinstance(value, int | float) else "other"
    return hash((kind, _canonical(value)))


def _pair(key: str, digest: int) -> int:
    return hash((key, digest))


def _combined(pairs: list[tuple[str, int]]) -> int:
    """One digest of (field, digest) pairs, in field order."""
    return hash(tuple(sorted(pairs)))


def _packed(digests: list[int]) -> bytes:
    """Digests stored as 8 bytes each (a set of Python ints would take ~10 times the memory)."""
    return array.array("q", digests).tobytes()


def _unpacked(data: bytes) -> set[int]:
    values = array.array("q")
    values.frombytes(data)
    return set(values)


def _echoed(sent: Any, got: Any) -> bool:
    """A fast, stricter form of "every member sent comes back equal": when it holds, the suite's
    `echo_mismatches` finds nothing (it is called, for the verdict and the message, only otherwise)."""
    if isinstance(sent, dict):
        return isinstance(got, dict) and all(k in got and _echoed(v, got[k]) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(got, list) and len(sent) == len(got) and all(map(_echoed, sent, got))
    if isinstance(sent, bool) or isinstance(got, bool):
        return type(sent) is type(got) and sent == got
    if isinstance(sent, int | float) and isinstance(got, int | float):
        return sent == got
    return type(sent) is type(got) and sent == got


def _mismatches(
    schema: dict[str, Any], sent: dict[str, Any], got: Any, path: str, components: dict[str, Any]
) -> list[str]:
    return [] if _echoed(sent, got) else echo_mismatches(schema, sent, got, path, components)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def class_object(document: Any) -> dict[str, Any] | None:
    """The class in an updateClass answer: the bare Class of the spec, or a `{"class": ...}` wrapper."""
    if not isinstance(document, dict):
        return None
    if "sourcedId" not in document and isinstance(document.get("class"), dict):
        inner: dict[str, Any] = document["class"]
        return inner
    return document


@dataclass(frozen=True, slots=True)
class _ResultState:
    ref: str
    body: int  # digest of the request's result (server-set members aside)
    answer: int  # digest of the answer's result, dateLastModified aside
    sent: bytes  # 8-byte digests of (field, value sent), concatenated: ~120 bytes, not a set of tuples


@dataclass(frozen=True, slots=True)
class _ClassState:
    ref: str
    fields: tuple[tuple[str, int, str], ...]  # (field, digest, short repr) of the answer


@dataclass(frozen=True, slots=True)
class _Stamp:
    ref: str
    instant: datetime.datetime
    started: datetime.datetime | None
    until: datetime.datetime | None  # when its answer ended, if the recording says


@dataclass(frozen=True, slots=True)
class _Write:
    """One recent PUT to a result, for write_atomic, as packed 8-byte digests (~300 bytes, not sets)."""

    ref: str
    fields: int  # digest of the names of the members sent
    sent: bytes  # (field, value) digest of each member sent
    answered: bytes  # the same for the answer's values (absent ones left out); b"" when equal to `sent`
    until: datetime.datetime | None  # when its answer ended, if the recording says


_RECENT_WRITES = 6  # writes per result id compared with each other (concurrent writes come in small bursts)


def _mixed(write: _Write, writes: list[_Write]) -> bool:
    """`write` answered a mix of several of `writes` (itself among them, those sending the same
    members compared): every member it answered was sent by one of them, some not by itself, and no
    single one of them sent all it answered."""
    if not write.answered:
        return False  # it answered its own write (the common case, decided without unpacking)
    answered, own = _unpacked(write.answered), _unpacked(write.sent)
    if answered <= own or len(answered) != len(own):
        return False  # its own write, or members missing (result_echo's finding)
    sent = [_unpacked(other.sent) for other in writes if other.fields == write.fields]
    return answered <= set().union(*sent) and all(answered != one for one in sent)


class Semantics:
    def __init__(self, ctx: Context, contract: Contract) -> None:
        self.ctx = ctx
        self.components = contract.components
        limit = ctx.resource_limit
        self.results: Bounded[str, _ResultState] = Bounded(limit)
        self.writes: Bounded[str, tuple[_Write, ...]] = Bounded(limit)
        self.classes: Bounded[str, _ClassState] = Bounded(limit)
        self.unknown_classes: Bounded[str, str] = Bounded(limit)
        self.stamps: Bounded[tuple[str, str], _Stamp] = Bounded(limit * 2)
        self.schemas = {name: contract.operation(name).body_schema for name in ("putResult", "updateClass")}
        self.bare_results = 0  # 2xx result answers that are a bare Result (another dialect): not compared
        self.fields = {name: frozenset(schema.get("properties", {})) for name, schema in self.schemas.items()}

    @property
    def evicted(self) -> int:
        return sum(b.evicted for b in (self.results, self.writes, self.classes, self.unknown_classes, self.stamps))

    def observe(self, exchange: Exchange, judged: Judged) -> None:
        ok = 200 <= exchange.status < 300
        if judged.operation.operation_id == "putResult":
            response = judged.response
            if ok and isinstance(response, dict) and "result" not in response and "sourcedId" in response:
                self.bare_results += 1  # another dialect: listed with the checks it kept from running
            if ok and judged.request_valid and not judged.mismatch:
                self._result(exchange, judged)
        elif judged.operation.operation_id == "updateClass":
            self._class(exchange, judged, ok)

    # -- results ---------------------------------------------------------------------------------
    def _result(self, exchange: Exchange, judged: Judged) -> None:
        ctx, rid = self.ctx, judged.sourced_id
        answer = judged.response.get("result") if isinstance(judged.response, dict) else None
        if not isinstance(answer, dict):
            return  # the schema check has said so
        sent = {k: v for k, v in judged.request["result"].items() if k not in SERVER_SET}

        def fail(check: Check, message: str, also: tuple[str, ...] = ()) -> None:
            ctx.fail(check, exchange, "putResult", message, judged.request, also)

        ctx.looked(RESULT_ECHO)
        problems = _mismatches(self.schemas["putResult"], sent, answer, "result", self.components)
        if answer.get("sourcedId") != rid:
            problems.insert(0, f"result.sourcedId: {answer.get('sourcedId')!r} is not the path id {rid!r}")
        if problems:
            fail(RESULT_ECHO, "; ".join(problems))
        self._identity(exchange, judged, "putResult", answer)
        known = self.fields["putResult"]
        sent_digests = sorted((k, _digest(v)) for k, v in sent.items())
        answer_digests = {k: _digest(v) for k, v in answer.items() if k != "dateLastModified"}
        sent_pairs = [_pair(k, d) for k, d in sent_digests]
        # an answer that echoed every member sent answered its own write: nothing more to keep
        answered_pairs = (
            [] if not problems else [_pair(k, answer_digests[k]) for k, _ in sent_digests if k in answer_digests]
        )
        self._atomic(
            exchange,
            judged,
            _Write(
                exchange.ref,
                hash(tuple(k for k, _ in sent_digests)),
                _packed(sent_pairs),
                b"" if not problems or answered_pairs == sent_pairs else _packed(answered_pairs),
                exchange.started + exchange.duration if exchange.started and exchange.duration else None,
            ),
        )
        state = _ResultState(
            exchange.ref,
            _combined(sent_digests),
            _combined(list(answer_digests.items())),
            _packed([pair for (k, _), pair in zip(sent_digests, sent_pairs, strict=True) if k in known]),
        )
        previous = self.results.get(rid)
        if previous is not None:
            ctx.looked(RESULT_UPSERT)
            earlier = _unpacked(previous.sent)
            if previous.body == state.body and previous.answer != state.answer:
                fail(RESULT_UPSERT, "repeating the same PUT changed the stored result", (previous.ref,))
            kept = sorted(
                k
                for k, v in answer.items()
                if k not in sent and k not in SERVER_SET and k in known and _pair(k, answer_digests[k]) in earlier
            )
            if kept:
                fail(
                    RESULT_UPSERT,
                    f"the PUT replaced the result but the answer still holds {', '.join(kept)} from the earlier PUT "
                    "(not sent this time): merged instead of replaced",
                    (previous.ref,),
                )
        self.results.put(rid, state)
        self._stamp(exchange, judged, "putResult", rid, answer)

    # -- id identity and atomicity ---------------------------------------------------------------
    def _identity(self, exchange: Exchange, judged: Judged, operation: str, answer: dict[str, Any]) -> None:
        """id_distinct: the answer is the record of its own path id, not of a look-alike id."""
        self.ctx.looked(ID_DISTINCT)
        got, path_id = answer.get("sourcedId"), judged.sourced_id
        if got == path_id:
            return
        earlier_ref: str | None = None
        if isinstance(got, str):
            earlier = self.results.get(got) if operation == "putResult" else self.classes.get(got)
            earlier_ref = earlier.ref if earlier is not None else None
        known = earlier_ref is not None or (isinstance(got, str) and got in self.ctx.known_class_ids)
        # ids shown with escapes (ascii), so that NFC and NFD spellings, or a trailing space, are visible
        shown = ascii(got) if isinstance(got, str) else _short(got)
        message = f"the answer to {path_id!a} is the record {shown}" + (
            ", another id's (written earlier or known to exist): the two ids were stored as one record"
            if known
            else ", not the path id (the id was normalized or replaced)"
        )
        also = (earlier_ref,) if earlier_ref is not None else ()
        self.ctx.fail(ID_DISTINCT, exchange, operation, message, judged.request, also)

    def _atomic(self, exchange: Exchange, judged: Judged, write: _Write) -> None:
        """write_atomic: no answer mixes the members of several writes to one result (a write done field
        by field). Answers are recorded as they end, so each new write may show an earlier answer mixed."""
        rid = judged.sourced_id
        # a write that ended before this one started cannot be mixed with it (nor it with that one)
        started = exchange.started
        recent = [w for w in self.writes.get(rid) or () if w.until is None or started is None or w.until > started]
        if recent:
            self.ctx.looked(WRITE_ATOMIC)
        writes = [*recent, write]
        for mixed in writes:
            if _mixed(mixed, writes) and (mixed is write or not _mixed(mixed, recent)):
                others = tuple(other.ref for other in writes if other is not mixed)
                self.ctx.fail(
                    WRITE_ATOMIC,
                    exchange,
                    "putResult",
                    f"the answer at {mixed.ref} is none of the PUTs to {rid!r} but a mix of their members "
                    f"(compared with {', '.join(others)}): the writes to one id were not each one whole write",
                    judged.request,
                    others,
                )
        self.writes.put(rid, tuple(writes[-_RECENT_WRITES:]))

    # -- classes ---------------------------------------------------------------------------------
    def _class(self, exchange: Exchange, judged: Judged, ok: bool) -> None:
        ctx, cid = self.ctx, judged.sourced_id

        def fail(check: Check, message: str, also: tuple[str, ...] = ()) -> None:
            ctx.fail(check, exchange, "updateClass", message, judged.request, also)

        if exchange.status == 404 and judged.request_valid and judged.auth_ok:
            ctx.looked(CLASS_UNKNOWN_404)
            problems = imsx_problems(judged.operation, 404, judged.response, 404, "unknownobject")
            if problems:
                fail(CLASS_UNKNOWN_404, "a PUT to an unknown class id: " + "; ".join(problems))
            self.unknown_classes.put(cid, exchange.ref)
            return
        if not (ok and judged.request_valid):
            return
        ctx.looked(CLASS_UNKNOWN_404)
        earlier_404 = self.unknown_classes.get(cid)
        if earlier_404 is not None:
            fail(
                CLASS_UNKNOWN_404,
                f"class {cid!r} was answered 404 before and {exchange.status} now; the spec has no way to create a "
                "class, so the PUT created it",
                (earlier_404,),
            )
        elif ctx.known_class_ids and cid not in ctx.known_class_ids:
            fail(
                CLASS_UNKNOWN_404,
                f"class {cid!r} is not among the classes that existed when the recording started, yet the PUT was "
                f"answered {exchange.status} instead of 404 (the class was created)",
            )
        answer = class_object(judged.response)
        if answer is None:
            return
        self._identity(exchange, judged, "updateClass", answer)
        update = judged.request["class"] if isinstance(judged.request.get("class"), dict) else {}
        ctx.looked(CLASS_MERGE)
        problems = _mismatches(self.schemas["updateClass"], update, answer, "class", self.components)
        if problems:
            fail(CLASS_MERGE, "fields sent do not come back equal: " + "; ".join(problems))
        changeable = self.fields["updateClass"]
        previous = self.classes.get(cid)
        if previous is not None:
            now = {k: _digest(v) for k, v in answer.items()}
            changed = []
            for key, digest, shown in previous.fields:
                if key == "dateLastModified" or (key in update and key in changeable):
                    continue
                if key not in answer:
                    changed.append(f"{key}: not sent, had {shown}, now missing")
                elif now[key] != digest:
                    changed.append(f"{key}: not sent, had {shown}, now {_short(answer[key])}")
            if changed:
                fail(
                    CLASS_MERGE,
                    "fields not sent since the earlier answer changed: " + "; ".join(changed),
                    (previous.ref,),
                )
        self.classes.put(cid, _ClassState(exchange.ref, tuple((k, _digest(v), _short(v)) for k, v in answer.items())))
        self._stamp(exchange, judged, "updateClass", cid, answer)

    # -- dateLastModified ------------------------------------------------------------------------
    def _stamp(self, exchange: Exchange, judged: Judged, operation: str, key: str, stamped: dict[str, Any]) -> None:
        ctx = self.ctx
        ctx.looked(DATE_LAST_MODIFIED)
        value = stamped.get("dateLastModified")
        instant = parse_instant(value)

        def fail(message: str, also: tuple[str, ...] = ()) -> None:
            ctx.fail(DATE_LAST_MODIFIED, exchange, operation, message, judged.request, also)

        if instant is None:
            fail(f"dateLastModified {_short(value)} is not an RFC 3339 date-time")
            return
        wrapper = judged.request.get(judged.operation.body_member)
        sent = parse_instant(wrapper.get("dateLastModified")) if isinstance(wrapper, dict) else None
        if sent is not None and sent == instant:
            fail(f"dateLastModified is the value the client sent ({value}), not set by the server")
        previous = self.stamps.get((operation, key))
        # writes in flight at once have no order: either may be stamped first
        concurrent = previous is not None and (
            previous.until is not None and exchange.started is not None and exchange.started < previous.until
        )
        if previous is not None and not concurrent:
            close = (
                exchange.started is not None
                and previous.started is not None
                and exchange.started - previous.started < _SAME_MILLISECOND
            )
            if instant < previous.instant or (instant == previous.instant and not close):
                fail(
                    f"dateLastModified did not advance: {previous.instant.isoformat()} then {instant.isoformat()}",
                    (previous.ref,),
                )
        until = exchange.started + exchange.duration if exchange.started and exchange.duration else None
        self.stamps.put((operation, key), _Stamp(exchange.ref, instant, exchange.started, until))
