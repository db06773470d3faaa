"""Getting a target ready before any test runs: the embedded server, or checks of a remote one.

A remote target is validated up front by the preflight (`oneroster_kit.conformance.preflight`:
reachable, token obtainable and accepted, each operation served or not, class and result ids
existing) so that a set-up mistake is one line saying what to fix (exit 2), not a page of
failed tests. The current values of each given class, and the first answer of each named
result, are recorded so they can be put back (`restore_classes`, `restore_results`).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from oneroster_kit.conformance.auth import ClientCredentials, StaticToken, TokenSource
from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.paths import PathMap
from oneroster_kit.conformance.target import Target
from oneroster_kit.contract import operation
from oneroster_kit.usage import UsageError

__all__ = [
    "EmbeddedServer",
    "StartServer",
    "example_body",
    "prepared_target",
    "restore_classes",
    "restore_results",
    "suite_path",
]


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


def restore_results(target: Target) -> None:
    """Put back each named result (--result-id) as the run's first PUT to it left it (the spec has no read)."""
    for result_id, body in target.result_snapshots.items():
        try:
            exchange = target.put("putResult", result_id, body)
        except httpx.HTTPError as exc:
            target.restore_notes.append(f"result {result_id}: restore failed ({type(exc).__name__}: {exc})")
            continue
        if 200 <= exchange.status < 300:
            target.restore_notes.append(
                f"result {result_id}: put back as the run's first PUT to it left it (the required members of the "
                "spec's example, plus whatever the server kept of the rest)"
            )
        else:
            target.restore_notes.append(
                f"result {result_id}: restore answered {exchange.status}: {exchange.response_text[:200]}"
            )


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
        paths=PathMap.of(options.paths),
        result_ids=options.result_ids,
    )


def operations_needed(checks: tuple[str, ...]) -> set[str]:
    from oneroster_kit.conformance.preflight import operations_needed as needed

    return needed(checks)


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
    needed = operations_needed(options.checks)
    if options.base_url is not None:
        yield from _checked(remote_target(options), needed)
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
        yield from _checked(target, needed)


def _checked(target: Target, needed: set[str]) -> Iterator[Target]:
    """Check the set-up, hand the target to the run, and always close it afterwards."""
    from oneroster_kit.conformance.preflight import run_preflight

    try:
        run_preflight(target, needed)
        yield target
    finally:
        target.close()
