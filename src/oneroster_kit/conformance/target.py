"""The server under test as the suite sees it: where it is, how to authenticate, what it may touch.

All requests of the semantic checks go through `Target.put`, which records every exchange (for
curl reproductions with the token redacted) and every write (for the summary's list of what the
run changed on the target). `Target.permit` is the one place that decides which ids a run may
write: every PUT (the suite's and schemathesis's) passes it first, so the README's promise for
remote runs (results only under the run's prefix, in `A-Z a-z 0-9 . _ -`; classes only the
named ones) holds by construction, and `Target.plan` states the same rules before a run.

Where each operation is served (`paths`, `--path`) and what the preflight found about it
(`operations`: served or not, and whether results are created on PUT) live here too, so every
check asks the target, not the spec, where to send and whether it can run at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from oneroster_kit.conformance.auth import TokenSource
from oneroster_kit.conformance.observations import Observations
from oneroster_kit.conformance.paths import PathMap
from oneroster_kit.conformance.records import redact
from oneroster_kit.contract import operation
from oneroster_kit.path_templates import check_template

__all__ = ["REDACTED", "SAFE_ID", "LiveExchange", "OperationState", "Target", "UnsafeWriteError", "curl_command"]

REDACTED = "Bearer [REDACTED]"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")  # what a remote run writes after its prefix (README)


class UnsafeWriteError(RuntimeError):
    """The suite was about to PUT to an id a remote run must not write: a bug of the suite, never the server's."""


def curl_command(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> str:
    """A copy-paste curl reproduction; the Authorization secret is redacted, its scheme kept."""
    parts = ["curl", "-X", method]
    for name, value in headers.items():
        line = f"{name}: {value}"
        parts += ["-H", redact(line) if name.lower() == "authorization" else line]
    if body is not None:
        parts += ["--data-binary", body.decode("utf-8", errors="replace")]
    parts.append(url)
    return " ".join(shlex.quote(part) for part in parts)


@dataclass
class LiveExchange:
    """One request the suite sent to the live target and the answer it got (the traffic checker's
    recorded exchanges are `oneroster_kit.traffic.exchange.Exchange`: bytes as recorded, a reference
    to where they were read, no reproduction of their own)."""

    operation_id: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any  # the JSON document sent (or raw text)
    status: int
    response_headers: dict[str, str]
    response_text: str

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.response_text)
        except ValueError:
            return None

    @property
    def curl(self) -> str:
        body = None if self.request_body is None else json.dumps(self.request_body).encode()
        return curl_command(self.method, self.url, self.request_headers, body)

    def describe(self) -> str:
        text = self.response_text if len(self.response_text) <= 600 else self.response_text[:600] + "..."
        return f"{self.method} {self.url} -> {self.status} {text}"


@dataclass
class OperationState:
    """What the preflight found about one operation (`oneroster_kit.conformance.preflight`)."""

    operation_id: str
    served: bool  # the operation answered at its path (anything but the server's "no such path")
    reason: str  # one line: how it answered, or why it was not checked
    checked: bool = True  # False: not preflighted (no --class-id, or no selected check needs it)
    creates: bool | None = None  # putResult: a PUT to a new id created it (None: not known)
    exchange: LiveExchange | None = None  # the preflight request it rests on
    hint: str | None = None  # e.g. where the operation seems to be served instead

    @property
    def label(self) -> str:
        """`PUT results` / `PUT classes`: how the console names the operation."""
        template = operation(self.operation_id).path
        return f"PUT {template.rstrip('/').rsplit('/', 2)[-2]}"


@dataclass
class Target:
    """The server under test."""

    base_url: str
    tokens: TokenSource
    class_ids: tuple[str, ...]
    result_prefix: str
    remote: bool
    token_url: str | None = None
    fuzz_result_ids: bool = False  # remote: result ids may carry fuzzed characters (--fuzz-result-ids)
    allow_new_class_fields: bool = False  # remote: class fields absent before may be sent (--allow-new-class-fields)
    probe_unknown_classes: bool = False  # remote: class ids other than the named ones (--probe-unknown-classes)
    paths: PathMap = field(default_factory=PathMap)  # where each operation is served (--path)
    result_ids: tuple[str, ...] = ()  # existing results the run may update (--result-id)
    operations: dict[str, OperationState] = field(default_factory=dict)  # the preflight's findings
    result_snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)  # named result -> body to put back
    observations: Observations = field(default_factory=Observations, repr=False)
    granted_scope: str | None = None  # the `scope` the token endpoint answered for the run's token
    written_results: set[str] = field(default_factory=set)
    updated_classes: set[str] = field(default_factory=set)
    class_snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    restore_notes: list[str] = field(default_factory=list)
    requests_sent: int = 0
    # The reference probe's verdict (`conformance.references`), probed once per target.
    reference_probed: bool = field(default=False, repr=False)
    reference_reason: str | None = field(default=None, repr=False)
    # The exchanges of the current check example (`begin_case` starts one), for a reproduction of all of them.
    history: list[LiveExchange] = field(default_factory=list, repr=False)
    _digest: Any = field(default_factory=hashlib.sha256, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _named_turn: int = field(default=-1, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=30.0)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def url(self, operation_id: str, sourced_id: str) -> str:
        return self.paths.url(self.base_url, operation_id, sourced_id)

    # -- what the preflight found ----------------------------------------------------------------

    def served(self, operation_id: str) -> bool:
        """True unless the preflight found the operation absent or did not check it."""
        state = self.operations.get(operation_id)
        return state is None or state.served

    def absence(self, operation_id: str) -> str | None:
        """Why checks of this operation cannot run here (None: they can)."""
        state = self.operations.get(operation_id)
        if state is None or state.served:
            return None
        return f"{state.label}: {state.reason}"

    @property
    def creates_results(self) -> bool | None:
        """Whether a result PUT to a new id creates it (None: not known, e.g. before the preflight)."""
        state = self.operations.get("putResult")
        return None if state is None else state.creates

    def result_for(self, what: str) -> str | None:
        """An id the run may write a result under for `what`: a fresh id under the prefix, or, on a
        server that does not create results on PUT, one of the named results (None: neither)."""
        if self.creates_results is not False:
            return self.result_id(what)
        if not self.result_ids:
            return None
        with self._lock:
            self._named_turn += 1
            return self.result_ids[self._named_turn % len(self.result_ids)]

    # -- the safe-writes gate --------------------------------------------------------------------

    def may_write_result(self, sourced_id: str) -> bool:
        """True when this run may PUT a result at `sourced_id` (see `permit`)."""
        if not self.remote or sourced_id in self.result_ids:
            return True
        if operation("putResult").path_violations({"sourcedId": sourced_id}):
            return True  # an id the spec forbids: a conforming server refuses it, nothing is written
        rest = sourced_id.removeprefix(self.result_prefix)
        if not sourced_id.startswith(self.result_prefix) or not rest:
            return False
        return self.fuzz_result_ids or SAFE_ID.fullmatch(rest) is not None

    def may_put_class(self, class_id: str) -> bool:
        """True when this run may PUT to class `class_id` (see `permit`)."""
        if not self.remote or class_id in self.class_ids:
            return True
        if operation("updateClass").path_violations({"sourcedId": class_id}):
            return True
        return self.probe_unknown_classes

    def permit(self, operation_id: str, sourced_id: str, method: str = "PUT") -> None:
        """Refuse, before anything is sent, a request to an id this run may not write (UnsafeWriteError).

        Methods the spec does not document (probes for 405) go only to ids under the prefix, on
        either path: such an id names no real class.
        """
        if operation_id == "putResult" or method.upper() != "PUT":
            allowed = self.may_write_result(sourced_id)
        else:
            allowed = self.may_put_class(sourced_id)
        if not allowed:
            named = f" or the named {list(self.result_ids)}" if self.result_ids else ""
            rule = (
                f"results only under {self.result_prefix!r} in A-Z a-z 0-9 . _ -{named} (--fuzz-result-ids lifts this)"
                if operation_id == "putResult"
                else f"classes only {list(self.class_ids)} (--probe-unknown-classes lifts this)"
            )
            raise UnsafeWriteError(f"{operation_id}: refused to PUT to {sourced_id!a} on a remote target: {rule}")

    def plan(self) -> list[str]:
        """What this run may write, as the rules `permit` applies (printed by --plan before anything is sent)."""
        if not self.remote:
            return [
                f"the embedded reference server at {self.base_url}: a fresh database, any id (nothing outlives the run)"
            ]
        alphabet = "any characters, fuzzed" if self.fuzz_result_ids else "A-Z a-z 0-9 . _ -"
        lines = [
            f"results: PUTs only to ids {self.result_prefix}<suffix>, the suffix in {alphabet} "
            "(no DELETE exists: they stay on the server)",
        ]
        if self.result_ids:
            lines.append(
                f"named results (--result-id): {', '.join(self.result_ids)}, only if the server does not create "
                "results on PUT; the spec has no read, so the run's first PUT to each (the required members of the "
                "spec's example) is what it puts back at the end: on a server that replaces, the values a result had "
                "before the run are lost"
            )
        if self.class_ids:
            lines.append(
                f"classes: PUTs only to {', '.join(self.class_ids)}; each is restored to its values from before the run"
                + ("" if self.allow_new_class_fields else ", and no field it lacks is sent")
            )
        else:
            lines.append("classes: none (no --class-id): the class checks are skipped")
        for operation_id, template, spec_path in self.paths.departures():
            lines.append(f"{operation_id}: sent to {template} (--path), not the spec's {spec_path}")
        lines.append(
            "preflight: a PUT of {} to <operation's parent>/"
            + self.result_prefix
            + "no-such-path/"
            + self.result_prefix
            + "preflight under each operation, to learn how the server answers a path it does not serve"
        )
        if self.probe_unknown_classes:
            lines.append(
                "classes (--probe-unknown-classes): also look-alikes of those ids and unknown ids under the prefix; "
                "a server that creates classes on PUT keeps them"
            )
        lines.append(
            "refusal probes: PUTs to ids the spec forbids (`.`, `..`, empty), which a conforming server refuses"
        )
        return lines

    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.token()}"}

    def put_path(self, template: str, operation_id: str, sourced_id: str, body: Any) -> LiveExchange:
        """A PUT to another path than the operation's (the preflight's probes), under the same id rules."""
        check_template(template, "a preflight path")
        self.permit(operation_id, sourced_id)
        url = self.base_url + template.replace("{sourcedId}", quote(sourced_id, safe=""))
        headers = {"Content-Type": "application/json", **self.auth_header()}
        self.record_request("PUT", url.removeprefix(self.base_url), body)
        response = self.client.put(url, content=json.dumps(body).encode(), headers=headers)
        with self._lock:
            self.requests_sent += 1
        return LiveExchange(
            operation_id, "PUT", url, headers, body, response.status_code, dict(response.headers), response.text
        )

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether `headers` carry a token this run was issued for its own use (not none, not a bad one)."""
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        return value.startswith("Bearer ") and value[7:] in self.tokens.issued

    def observe(
        self, operation_id: str, sourced_id: str, body: Any, headers: Mapping[str, str], status: int, text: str
    ) -> None:
        """Fold an answer into the run's observations (see `oneroster_kit.conformance.observations`)."""
        if not any(k.lower() == "authorization" for k in headers):
            self.observations.record_no_token(operation_id, status)
        self.observations.record(operation_id, sourced_id, body, self.authorized(headers), status, text)

    def put(
        self,
        operation_id: str,
        sourced_id: str,
        body: Any,
        *,
        headers: Mapping[str, str] | None = None,
        authenticate: bool = True,
        record: bool = True,
    ) -> LiveExchange:
        """PUT a JSON body; `headers` replace the default Authorization when given. `record=False`: the
        caller has folded the request into the fingerprint already (concurrent requests, in a fixed order)."""
        self.permit(operation_id, sourced_id)
        sent_headers = {"Content-Type": "application/json"}
        if authenticate:
            sent_headers.update(self.auth_header())
        if headers is not None:
            sent_headers.update(headers)
        url = self.url(operation_id, sourced_id)
        if record:
            self.record_request("PUT", url.removeprefix(self.base_url), body)
        response = self.client.put(url, content=json.dumps(body).encode(), headers=sent_headers)
        if response.status_code == 401 and authenticate and headers is None:
            self.tokens.invalidate()  # the token may have expired mid-run: renew once and retry
            sent_headers.update(self.auth_header())
            response = self.client.put(url, content=json.dumps(body).encode(), headers=sent_headers)
        self.note_write(operation_id, sourced_id, response.status_code)
        self.observe(operation_id, sourced_id, body, sent_headers, response.status_code, response.text)
        exchange = LiveExchange(
            operation_id,
            "PUT",
            url,
            sent_headers,
            body,
            response.status_code,
            dict(response.headers),
            response.text,
        )
        with self._lock:
            self.history.append(exchange)
        return exchange

    def begin_case(self) -> None:
        """A check example starts: forget the exchanges of the one before."""
        with self._lock:
            self.history.clear()

    def exchanges_until(self, exchange: LiveExchange) -> list[LiveExchange]:
        """The current example's exchanges up to and including `exchange` (just it when not recorded)."""
        with self._lock:
            for index in range(len(self.history) - 1, -1, -1):
                if self.history[index] is exchange:
                    return self.history[: index + 1]
        return [exchange]

    def record_request(self, method: str, path: str, body: Any) -> None:
        """Fold a request the suite sent (no host, no token) into the run's fingerprint."""
        text = json.dumps(body, sort_keys=True, default=repr, ensure_ascii=True)
        with self._lock:
            self._digest.update(f"{method} {path}\n{text}\n".encode())

    @property
    def request_fingerprint(self) -> str:
        """SHA-256 over every request sent, in order: equal for two runs that sent the same requests."""
        return str(self._digest.hexdigest())

    def note_write(self, operation_id: str, sourced_id: str, status: int) -> None:
        with self._lock:
            self.requests_sent += 1
            if 200 <= status < 300:
                if operation_id == "putResult":
                    self.written_results.add(sourced_id)
                else:
                    self.updated_classes.add(sourced_id)

    def result_id(self, name: str) -> str:
        """A result sourcedId under this run's prefix."""
        return self.result_prefix + name

    def fuzzed_result_id(self, generated: str) -> str:
        """The id a fuzzed result case writes to: the generated text after the prefix on the embedded server
        (or with --fuzz-result-ids); on a remote server a printable stand-in derived from it (`fz-<hex>`),
        so that nothing odd is left on a server that has no DELETE."""
        if not self.remote or self.fuzz_result_ids:
            return self.result_id("fz-" + generated)
        digest = hashlib.sha256(generated.encode("utf-8", errors="surrogatepass")).hexdigest()[:12]
        return self.result_id(f"fz-{digest}")

    def class_update(self, class_id: str, body: Any) -> Any:
        """A class update body this run may send: on a remote server (unless --allow-new-class-fields) only
        the fields the class had before the run, since a PUT can set a field but never remove it again."""
        if not self.remote or self.allow_new_class_fields:
            return body
        if not isinstance(body, dict) or not isinstance(body.get("class"), dict):
            return body
        had = self.class_snapshots.get(class_id, {})
        return {**body, "class": {name: value for name, value in body["class"].items() if name in had}}
