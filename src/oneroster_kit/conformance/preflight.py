"""Before any check: is each operation served, and how? One line per operation, each on its own.

A real server may implement one operation of the two, mount it elsewhere, or update results
without creating them. So the preflight asks each operation separately (a valid PUT of the
spec's example) and compares the answer with the server's answer for a path it certainly does
not serve (`<the operation's parent>/<prefix>no-such-path/<id>`): the same answer means the
operation is not served there; anything else means it is, whatever its status and body dialect.
A set-up mistake (unreachable, credentials or token refused, a named class or result that does
not exist, no operation served at all) is one `SetupFailure` line (exit 2), carrying what the
preflight found so the reports still say it; an operation that is absent is not a set-up error:
its checks are skipped with the reason and `operation_served` fails for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from oneroster_kit.checks import CHECKS
from oneroster_kit.conformance.auth import ClientCredentials, StaticToken, TokenError
from oneroster_kit.conformance.target import LiveExchange, OperationState, Target
from oneroster_kit.contract import operation, operations
from oneroster_kit.path_templates import service_segment_dropped
from oneroster_kit.usage import UsageError

__all__ = [
    "SetupFailure",
    "minimal_result",
    "not_served",
    "operations_needed",
    "plain_http_hint",
    "run_preflight",
]

_NO_ROUTE = re.compile(
    r"\bno (?:operation|route|handler|endpoint|such (?:path|route))\b|\bcannot (?:put|get|post)\b|"
    r"\b(?:route|path|endpoint) not found\b",
    re.IGNORECASE,
)
_HEX = re.compile(r"[0-9a-fA-F]{12,}")
_DIGITS = re.compile(r"\d")


class SetupFailure(UsageError):
    """A set-up problem found by the preflight (exit 2); `target` holds what it found, for the reports."""

    def __init__(self, message: str, target: Target | None = None) -> None:
        super().__init__(message)
        self.target = target


def operations_needed(checks: Collection[str]) -> set[str]:
    """The operations the selected checks send requests to (the registry's `operations` of each check;
    every operation when none is selected)."""
    if not checks:
        return set(operations())
    return {name for check in checks for name in CHECKS.operations_of(check, operations())}


def minimal_result(sourced_id: str) -> dict[str, Any]:
    """The spec's example with only the members the request schema requires (and the id)."""
    from oneroster_kit.conformance.setup import example_body

    example = example_body("putResult")["result"]
    required = operation("putResult").body_schema.get("required", [])
    return {"result": {"sourcedId": sourced_id, **{name: example[name] for name in required if name in example}}}


def _example_result(sourced_id: str) -> dict[str, Any]:
    from oneroster_kit.conformance.setup import example_body

    body = example_body("putResult")
    return {**body, "result": {**body["result"], "sourcedId": sourced_id}}


def _normalized(exchange: LiveExchange, sourced_id: str) -> tuple[int, str]:
    """The answer without what names the request (its path, its id) or varies by time (digits, request ids)."""
    text = exchange.response_text
    path = urlsplit(exchange.url).path
    for token in sorted({path, unquote(path), sourced_id, quote(sourced_id, safe="")}, key=len, reverse=True):
        if token:
            text = text.replace(token, "<>")
    return exchange.status, _DIGITS.sub("0", _HEX.sub("<hex>", text))


def not_served(answer: LiveExchange, unserved: LiveExchange | None, sourced_id: str, unserved_id: str) -> bool:
    """Whether `answer` is the server's "no such path" (as `unserved` was answered, or saying so itself)."""
    if answer.status not in (404, 405, 501):
        return False
    if unserved is not None and _normalized(answer, sourced_id) == _normalized(unserved, unserved_id):
        return True
    mentions_id = sourced_id in answer.response_text or quote(sourced_id, safe="") in answer.response_text
    return not mentions_id and _NO_ROUTE.search(answer.response_text) is not None


def _unserved_template(operation_id: str, target: Target) -> str:
    """A sibling of the operation's path that no server serves: its last fixed segment replaced."""
    parts = target.paths.template(operation_id).split("/")
    index = max(i for i, part in enumerate(parts) if part and part != "{sourcedId}")
    parts[index] = f"{target.result_prefix}no-such-path"
    return "/".join(parts)


def _gist(exchange: LiveExchange) -> str:
    """What an answer's body says, in a few words: an imsx description, FastAPI's detail, or its start."""
    document = exchange.json
    if isinstance(document, dict) and isinstance(document.get("imsx_description"), str):
        text = json.dumps(document["imsx_description"])
    elif isinstance(document, dict) and "detail" in document:
        text = json.dumps({"detail": document["detail"]})
    else:
        text = " ".join(exchange.response_text.split()) or "empty"
    return text if len(text) <= 120 else text[:117] + "..."


def _describe(exchange: LiveExchange) -> str:
    kind = "with an imsx_StatusInfo body" if "imsx_codeMajor" in exchange.response_text else "without an imsx body"
    return f"answered {exchange.status} {kind} ({_gist(exchange)}) at {exchange.url}"


def plain_http_hint(url: str) -> str | None:
    from oneroster_kit.conformance.setup import plain_http_hint as hint

    return hint(url)


def _send(target: Target, send: Any) -> LiveExchange:
    try:
        exchange: LiveExchange = send()
    except httpx.HTTPError as exc:
        hint = plain_http_hint(target.base_url) or "check --base-url and that the server runs"
        raise SetupFailure(f"cannot reach {target.base_url} ({type(exc).__name__}: {exc}); {hint}", target) from None
    return exchange


def _raise_for_auth(exchange: LiveExchange, operation_id: str, target: Target) -> None:
    static = isinstance(target.tokens, StaticToken)
    how = "--token" if static else "the client credentials"
    if exchange.status == 401:
        raise SetupFailure(
            f"{target.base_url} rejected the token from {how} (401 on {operation_id})"
            + ("; it may have expired" if static else "")
            + "; use a valid token",
            target,
        )
    if exchange.status == 403:
        scopes = " or ".join(" ".join(sorted(names)) for names in operation(operation_id).scope_alternatives)
        granted = f"; it was granted: {target.granted_scope}" if target.granted_scope else ""
        raise SetupFailure(
            f"the token from {how} lacks the scope of {operation_id} (403){granted}; grant it: {scopes}", target
        )


def _token(target: Target) -> None:
    try:
        target.tokens.token()
    except TokenError as exc:
        if exc.status in (400, 401, 403):
            raise SetupFailure(
                f"credentials rejected: {exc}; check --client-id/--client-secret/--token-url", target
            ) from None
        hint = plain_http_hint(target.token_url or "")
        raise SetupFailure(f"cannot obtain a token: {exc}" + (f"; {hint}" if hint else ""), target) from None
    if isinstance(target.tokens, ClientCredentials) and target.tokens.last_grant is not None:
        target.granted_scope = target.tokens.last_grant.scope


def _elsewhere(
    target: Target, operation_id: str, sourced_id: str, body: Any, unserved: LiveExchange | None
) -> str | None:
    """Where an absent operation seems to be served instead (the spec's path without its service segment)."""
    candidate = service_segment_dropped(operation(operation_id).path)
    if candidate is None or candidate == target.paths.template(operation_id) or unserved is None:
        return None
    answer = _send(target, lambda: target.put_path(candidate, operation_id, sourced_id, body))
    if not_served(answer, unserved, sourced_id, target.result_id("preflight")):
        return None
    return (
        f"it answered {answer.status} at {candidate} (the spec's path without its service segment): "
        f"pass --path {operation_id}={candidate} if it is served there"
    )


def _results(target: Target) -> OperationState:
    rid = target.result_id("preflight")
    unserved = _send(
        target, lambda: target.put_path(_unserved_template("putResult", target), "putResult", rid, _example_result(rid))
    )
    exchange = _send(target, lambda: target.put("putResult", rid, _example_result(rid)))
    _raise_for_auth(exchange, "putResult", target)
    if not_served(exchange, unserved, rid, rid):
        state = OperationState("putResult", False, f"{_describe(exchange)}: not served there", exchange=exchange)
        state.hint = _elsewhere(target, "putResult", target.result_id("elsewhere"), _example_result(rid), unserved)
        return state
    if 200 <= exchange.status < 300:
        return OperationState(
            "putResult",
            True,
            f"served at {target.paths.template('putResult')}; creates results on PUT",
            creates=True,
            exchange=exchange,
        )
    if exchange.status != 404:
        return OperationState(
            "putResult", True, f"served; the spec's example to a new id {_describe(exchange)}", exchange=exchange
        )
    names_id = rid in exchange.response_text
    state = OperationState(
        "putResult",
        True,
        f"served, but a PUT of the spec's example to a new id {_describe(exchange)}: "
        + (
            "it refuses to create results on PUT"
            if names_id
            else "it refuses to create results on PUT, or checks the example's references"
        ),
        creates=False if names_id else None,
        exchange=exchange,
    )
    for named in target.result_ids:
        _named_result(target, state, named)
    if state.creates is None and target.result_ids:
        state.creates = False  # the named results took the same references: the 404 was for the new id
        state.reason = state.reason.removesuffix(", or checks the example's references")
    if state.creates is False and not target.result_ids:
        state.reason += "; name existing results with --result-id to check updates"
    return state


def _named_result(target: Target, state: OperationState, named: str) -> None:
    """A named result exists and can be updated; its first answer is what the run puts back at the end."""
    body = minimal_result(named)
    exchange = _send(target, lambda: target.put("putResult", named, body))
    _raise_for_auth(exchange, "putResult", target)
    if exchange.status == 404:
        raise SetupFailure(
            f"result id {named!r} (--result-id) does not exist on {target.base_url}: a PUT of the spec's example "
            f"{_describe(exchange)}; name results that exist",
            target,
        )
    if not 200 <= exchange.status < 300:
        raise SetupFailure(
            f"result id {named!r} (--result-id) cannot be updated with the spec's example: {_describe(exchange)}",
            target,
        )
    target.result_snapshots[named] = restore_body(named, exchange.json, body)


def restore_body(sourced_id: str, answer: Any, sent: dict[str, Any]) -> dict[str, Any]:
    """What to PUT back at the end: the answered result's request members (references as bare ids),
    or, when that is not a valid request, the body that was sent."""
    from oneroster_kit.conformance.observations import success_shape

    _, resource = success_shape("putResult", answer)
    if resource is None:
        return sent
    fields = operation("putResult").body_schema.get("properties", {})
    result: dict[str, Any] = {}
    for name, value in resource.items():
        if name not in fields or name == "dateLastModified":
            continue
        if (
            isinstance(value, dict)
            and set(value) >= {"sourcedId"}
            and name in ("lineItem", "student", "class", "scoreScale")
        ):
            value = {"sourcedId": value["sourcedId"]}
        result[name] = value
    result["sourcedId"] = sourced_id
    candidate = {"result": result}
    return candidate if operation("putResult").request_validator.is_valid(candidate) else sent


def _classes(target: Target) -> OperationState:
    first = target.class_ids[0]
    rid = target.result_id("preflight")
    unserved = _send(
        target, lambda: target.put_path(_unserved_template("updateClass", target), "putResult", rid, {"class": {}})
    )
    missing: list[tuple[str, LiveExchange]] = []
    absent: LiveExchange | None = None
    for class_id in target.class_ids:
        exchange = _send(target, lambda class_id=class_id: target.put("updateClass", class_id, {"class": {}}))
        _raise_for_auth(exchange, "updateClass", target)
        if not_served(exchange, unserved, class_id, rid):
            absent = exchange
            break
        if exchange.status == 404:
            missing.append((class_id, exchange))
            continue
        if exchange.status == 200 and isinstance(exchange.json, dict):
            target.class_snapshots[class_id] = exchange.json
        else:
            target.restore_notes.append(
                f"class {class_id}: could not record its values before the run (answered {exchange.status}); "
                "it is not restored"
            )
    if absent is not None:
        state = OperationState("updateClass", False, f"{_describe(absent)}: not served there", exchange=absent)
        state.hint = _elsewhere(target, "updateClass", first, {"class": {}}, unserved)
        return state
    if missing:
        names = ", ".join(repr(class_id) for class_id, _ in missing)
        raise SetupFailure(
            f"class id {names} does not exist on {target.base_url} ({_describe(missing[0][1])}); "
            "pass ids of existing classes",
            target,
        )
    return OperationState("updateClass", True, f"served at {target.paths.template('updateClass')}", exchange=None)


def run_preflight(target: Target, needed: Collection[str]) -> None:
    """Fill `target.operations`; raise SetupFailure for what makes the whole run meaningless."""
    _token(target)
    for operation_id in operations():
        if operation_id not in needed:
            target.operations[operation_id] = OperationState(
                operation_id, False, "not checked: no selected check uses it", checked=False
            )
        elif operation_id == "updateClass" and not target.class_ids:
            target.operations[operation_id] = OperationState(
                operation_id, False, "not checked: no --class-id names a class the run may update", checked=False
            )
        elif operation_id == "putResult":
            target.operations[operation_id] = _results(target)
        else:
            target.operations[operation_id] = _classes(target)
    checked = [state for state in target.operations.values() if state.checked]
    if checked and not any(state.served for state in checked):
        lines = ", ".join(
            f"{state.label} {state.exchange.status} at {state.exchange.url}" if state.exchange else state.label
            for state in checked
        )
        hints = "; ".join(f"{state.label}: {state.hint}" for state in checked if state.hint)
        wrong_base = "the base URL is probably wrong; give the server root under which the spec's paths are served"
        raise SetupFailure(
            f"no operation of the spec is served at its path under {target.base_url} ({lines}): "
            + (
                f"{hints}; else {wrong_base}"
                if hints
                else f"{wrong_base}, or --path OPERATION=TEMPLATE where the server mounts them elsewhere"
            ),
            target,
        )
