"""Getting a target ready before any test runs: the embedded server, or checks of a remote one.

A remote target is validated up front (reachable, token obtainable and accepted, class ids
existing) so that a set-up mistake is one line saying what to fix (exit 2), not a page of
failed tests. The current values of each given class are recorded so they can be restored.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from oneroster_kit.conformance.auth import ClientCredentials, StaticToken, TokenError, TokenSource
from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.target import LiveExchange, Target
from oneroster_kit.contract import operation
from oneroster_kit.usage import UsageError

__all__ = ["EmbeddedServer", "StartServer", "example_body", "prepared_target", "restore_classes", "suite_path"]


class EmbeddedServer(Protocol):
    """What the suite needs of the reference server it starts when no --base-url is given."""

    @property
    def base_url(self) -> str: ...
    @property
    def token_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...
    @property
    def class_ids(self) -> Sequence[str]: ...


# Starts a fresh reference server and stops it on exit. The conformance package does not import the
# server: the command's entry point (`conformance/__main__.py`) and, under plain pytest, the suite's
# conftest pass `oneroster_kit.server.process.ReferenceServer` here.
StartServer = Callable[[], contextlib.AbstractContextManager[EmbeddedServer]]

_SUITE = Path(__file__).resolve().parent / "suite"


def suite_path() -> Path:
    """The suite's directory in the installed package (`oneroster_kit.conformance.suite`), wherever it is."""
    if not (_SUITE / "conftest.py").is_file():
        raise UsageError(f"the conformance suite is not installed (expected it in {_SUITE}); reinstall the kit")
    return _SUITE


def example_body(operation_id: str) -> dict[str, Any]:
    """The first request example the spec documents for the operation (a valid body)."""
    content = operation(operation_id).definition["requestBody"]["content"]["application/json"]
    first = next(iter(content["examples"].values()))
    body: dict[str, Any] = first["value"]
    return body


def _token_source(options: Options) -> TokenSource:
    if options.token is not None:
        return StaticToken(options.token)
    assert options.token_url and options.client_id and options.client_secret
    return ClientCredentials(options.token_url, options.client_id, options.client_secret)


def _check(target: Target) -> None:
    """Reachable, token accepted for both operations, every class id existing (snapshots taken)."""
    try:
        token = target.tokens.token()
    except TokenError as exc:
        if exc.status in (400, 401, 403):
            raise UsageError(f"credentials rejected: {exc}; check --client-id/--client-secret/--token-url") from None
        hint = plain_http_hint(target.token_url or "")
        raise UsageError(f"cannot obtain a token: {exc}" + (f"; {hint}" if hint else "")) from None
    del token
    probe_id = target.result_id("preflight")
    body = example_body("putResult")
    body = {"result": {**body["result"], "sourcedId": probe_id}}
    try:
        exchange = target.put("putResult", probe_id, body)
    except httpx.HTTPError as exc:
        hint = plain_http_hint(target.base_url) or "check --base-url and that the server runs"
        raise UsageError(f"cannot reach {target.base_url} ({type(exc).__name__}: {exc}); {hint}") from None
    _raise_for_auth(exchange.status, "putResult", target)
    missing: list[tuple[str, LiveExchange]] = []
    for class_id in target.class_ids:
        exchange = target.put("updateClass", class_id, {"class": {}})
        _raise_for_auth(exchange.status, "updateClass", target)
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
    if missing:
        _raise_for_missing_classes(target, missing)


def _is_imsx(document: Any) -> bool:
    return isinstance(document, dict) and "imsx_codeMajor" in document


def _raise_for_missing_classes(target: Target, missing: list[tuple[str, LiveExchange]]) -> None:
    """404 for a class: a wrong id, or (every class, and no imsx body) a base URL with a wrong path."""
    if len(missing) == len(target.class_ids) and not any(_is_imsx(exchange.json) for _, exchange in missing):
        raise UsageError(
            f"every class id answered 404 without an imsx_StatusInfo body (e.g. PUT {missing[0][1].url}): "
            f"the base URL {target.base_url} is probably wrong; give the server root under which "
            f"{operation('updateClass').path} is served"
        )
    names = ", ".join(repr(class_id) for class_id, _ in missing)
    raise UsageError(f"class id {names} does not exist on {target.base_url} (404); pass ids of existing classes")


def plain_http_hint(url: str) -> str | None:
    """For an https:// URL whose server answers plain HTTP on the same port: say so (else None)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname is None:
        return None
    port = parts.port or 443
    try:
        with socket.create_connection((parts.hostname, port), timeout=5) as sock:
            sock.sendall(f"HEAD / HTTP/1.1\r\nHost: {parts.hostname}\r\nConnection: close\r\n\r\n".encode())
            answer = sock.recv(16)
    except OSError:
        return None
    if answer.startswith(b"HTTP/"):
        return (
            f"the server at {parts.hostname}:{port} seems to speak plain HTTP, not TLS: try http:// instead of https://"
        )
    return None


def _raise_for_auth(status: int, operation_id: str, target: Target) -> None:
    how = "--token" if isinstance(target.tokens, StaticToken) else "the client credentials"
    if status == 401:
        raise UsageError(f"{target.base_url} rejected the token from {how} (401 on {operation_id}); use a valid token")
    if status == 403:
        scopes = " or ".join(" ".join(sorted(names)) for names in operation(operation_id).scope_alternatives)
        raise UsageError(f"the token from {how} lacks the scope of {operation_id} (403); grant it: {scopes}")


def restore_classes(target: Target) -> None:
    """Put back the values each given class had before the run (remote targets)."""
    fields = operation("updateClass").body_schema["properties"]
    for class_id, snapshot in target.class_snapshots.items():
        update: dict[str, Any] = {}
        for name in fields:
            if name not in snapshot:
                continue
            value = snapshot[name]
            if name in ("terms", "resources") and isinstance(value, list):
                value = [
                    {"sourcedId": ref["sourcedId"]} for ref in value if isinstance(ref, dict) and "sourcedId" in ref
                ]
            update[name] = value
        try:
            exchange = target.put("updateClass", class_id, {"class": update})
        except httpx.HTTPError as exc:
            target.restore_notes.append(f"class {class_id}: restore failed ({type(exc).__name__}: {exc})")
            continue
        if exchange.status != 200:
            target.restore_notes.append(
                f"class {class_id}: restore answered {exchange.status}: {exchange.response_text[:200]}"
            )
        elif target.allow_new_class_fields:
            unset = sorted(set(fields) - set(snapshot))
            note = f"class {class_id}: restored its values from before the run"
            if unset:
                note += f" (--allow-new-class-fields: fields it lacked and a PUT cannot remove: {', '.join(unset)})"
            target.restore_notes.append(note)
        else:
            target.restore_notes.append(
                f"class {class_id}: restored its values from before the run; no field it lacked was sent, "
                "so it is as found except dateLastModified"
            )


def remote_target(options: Options) -> Target:
    """The --base-url target as options describe it (nothing sent yet)."""
    assert options.base_url is not None
    return Target(
        base_url=options.base_url,
        tokens=_token_source(options),
        class_ids=options.class_ids,
        result_prefix=options.result_prefix,
        remote=True,
        token_url=options.token_url,
        fuzz_result_ids=options.fuzz_result_ids,
        allow_new_class_fields=options.allow_new_class_fields,
        probe_unknown_classes=options.probe_unknown_classes,
    )


def plan_lines(options: Options) -> list[str]:
    """`--plan`: what the run may write, from the same rules `Target.permit` enforces; nothing is sent."""
    if options.base_url is None:
        return [
            "the embedded reference server: a fresh database on a free loopback port, any id "
            "(none outlives the run); nothing else is written"
        ]
    return [f"oneroster-conformance plan for {options.base_url} (nothing was sent):", *remote_target(options).plan()]


@contextlib.contextmanager
def prepared_target(options: Options, start_server: StartServer) -> Iterator[Target]:
    """The target of this run, checked; with no --base-url a fresh server from `start_server`, stopped after."""
    if options.base_url is not None:
        yield from _checked(remote_target(options))
        return
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(start_server())
        except Exception as exc:
            raise UsageError(f"the embedded reference server did not start ({type(exc).__name__}: {exc})") from None
        target = Target(
            base_url=server.base_url,
            tokens=ClientCredentials(server.token_url, server.client_id, server.client_secret),
            class_ids=tuple(server.class_ids),
            result_prefix=options.result_prefix,
            remote=False,
            token_url=server.token_url,
        )
        yield from _checked(target)


def _checked(target: Target) -> Iterator[Target]:
    """Check the set-up, hand the target to the run, and always close it afterwards."""
    try:
        _check(target)
        yield target
    finally:
        target.close()
