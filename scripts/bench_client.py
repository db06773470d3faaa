"""Benchmark: the SDK against raw httpx, side by side in one interleaved run on the reference server.

Raw httpx sends the same pre-serialised JSON with the same bearer token and reads the answer;
the SDK does everything a user gets (argument checks, generated models, auth flow, retry
transport, response validation against openapi.yaml, model parsing). Rounds alternate which
side goes first so drift on a shared machine hits both. Printed:

- concurrency 1 (sync clients): median time per request; target SDK/raw <= 1.15;
- concurrency 16 (async clients, 16 tasks): requests per second; target SDK/raw >= 0.9;
- client CPU alone (both against an in-process MockTransport, no network): the SDK's own cost,
  which the loopback figures can hide.

Usage: python scripts/bench_client.py [--requests 200] [--rounds 5] [--concurrency 16] [--check] [--no-pin]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, NamedTuple

import httpx
from oneroster_client.api.gradebook import put_result
from oneroster_client.client import AuthenticatedClient
from oneroster_client.models.put_result_request import PutResultRequest

from oneroster_kit.contract import operation
from oneroster_kit.sdk import (
    AsyncOneRosterClient,
    ClassUpdate,
    ClientCredentialsAuth,
    Environment,
    OneRosterClient,
    ResultInput,
    RetryConfig,
    ServerError,
)
from oneroster_kit.server.process import ReferenceServer
from oneroster_kit.spec import load_spec

RESULT_ID = "bench-result-1"


def _example(media: dict[str, Any]) -> Any:
    first = next(iter(media["examples"].values()))
    if "$ref" in first:
        first = load_spec()["components"]["examples"][first["$ref"].rsplit("/", 1)[1]]
    return copy.deepcopy(first["value"])


def request_bodies() -> dict[str, Any]:
    """The spec's request examples (wrapper included), with the result id set to RESULT_ID."""
    result = _example(operation("putResult").definition["requestBody"]["content"]["application/json"])
    result["result"]["sourcedId"] = RESULT_ID
    klass = _example(operation("updateClass").definition["requestBody"]["content"]["application/json"])
    return {"putResult": result, "updateClass": klass}


class Case:
    """One operation, as the SDK calls it and as raw httpx sends it."""

    def __init__(self, name: str, body: Any, class_id: str, *, as_dict: bool = False) -> None:
        self.name = name
        self.label = f"{name} (dict)" if as_dict else name  # the SDK takes generated models or plain dicts
        self.payload = b""  # set by `capture_payload`: the exact bytes the SDK sends
        if name == "putResult":
            self.path = f"/ims/oneroster/gradebook/v1p2/results/{RESULT_ID}"
            result = body["result"]
            self.sdk_args: tuple[str, Any] = (RESULT_ID, result if as_dict else ResultInput.from_dict(result))
        else:
            self.path = f"/ims/oneroster/rostering/v1p2/classes/{class_id}"
            update = body["class"]
            self.sdk_args = (class_id, update if as_dict else ClassUpdate.from_dict(update))

    def capture_payload(self) -> None:
        """Serialise once, exactly as the SDK does, so raw httpx sends byte-identical requests."""
        sent: list[bytes] = []

        def record(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/oauth2/token"):
                return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 60})
            sent.append(request.read())
            return httpx.Response(500, json={})

        env = Environment.custom("http://capture", "http://capture/oauth2/token")
        transport = httpx.MockTransport(record)
        with (
            OneRosterClient(client_id="c", client_secret="s", environment=env, transport=transport) as client,
            contextlib.suppress(ServerError),
        ):
            self.sdk_call(client)
        self.payload = sent[0]

    def sdk_call(self, client: OneRosterClient) -> Any:
        if self.name == "putResult":
            return client.put_result(*self.sdk_args)
        return client.update_class(*self.sdk_args)

    async def sdk_call_async(self, client: AsyncOneRosterClient) -> Any:
        if self.name == "putResult":
            return await client.put_result(*self.sdk_args)
        return await client.update_class(*self.sdk_args)

    def raw_call(self, client: httpx.Client) -> None:
        response = client.put(self.path, content=self.payload)
        if response.status_code >= 300:
            raise RuntimeError(f"raw {self.name}: HTTP {response.status_code}: {response.text[:200]}")

    async def raw_call_async(self, client: httpx.AsyncClient) -> None:
        response = await client.put(self.path, content=self.payload)
        if response.status_code >= 300:
            raise RuntimeError(f"raw {self.name}: HTTP {response.status_code}: {response.text[:200]}")


async def throughput(call: Callable[[], Awaitable[Any]], count: int, concurrency: int) -> float:
    remaining = count

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - start)


def raw_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}


class Measured(NamedTuple):
    sdk: float  # median over all rounds
    raw: float
    round_ratios: list[float]  # SDK/raw of each round's medians: how much the figure moves on this machine

    def spread(self) -> str:
        return f"{min(self.round_ratios):.2f}..{max(self.round_ratios):.2f}"


def bench_sync(sdk_call: Callable[[], Any], raw_call: Callable[[], Any], count: int, rounds: int) -> Measured:
    """Median seconds per request; SDK and raw alternate request by request (order flips each time)."""
    sdk_times: list[list[float]] = [[] for _ in range(rounds)]
    raw_times: list[list[float]] = [[] for _ in range(rounds)]
    clock = time.perf_counter
    for index in range(count * rounds):
        round_number = index // count
        for side in ("sdk", "raw") if index % 2 == 0 else ("raw", "sdk"):
            start = clock()
            if side == "sdk":
                sdk_call()
                sdk_times[round_number].append(clock() - start)
            else:
                raw_call()
                raw_times[round_number].append(clock() - start)
    ratios = [statistics.median(s) / statistics.median(r) for s, r in zip(sdk_times, raw_times, strict=True)]
    every_sdk = [value for chunk in sdk_times for value in chunk]
    every_raw = [value for chunk in raw_times for value in chunk]
    return Measured(statistics.median(every_sdk), statistics.median(every_raw), ratios)


async def bench_async(
    case: Case, sdk: AsyncOneRosterClient, raw: httpx.AsyncClient, count: int, rounds: int, concurrency: int
) -> Measured:
    sdk_rates: list[float] = []
    raw_rates: list[float] = []
    for round_number in range(rounds):
        order = ["sdk", "raw"] if round_number % 2 == 0 else ["raw", "sdk"]
        for side in order:
            if side == "sdk":
                sdk_rates.append(await throughput(lambda: case.sdk_call_async(sdk), count, concurrency))
            else:
                raw_rates.append(await throughput(lambda: case.raw_call_async(raw), count, concurrency))
    ratios = [s / r for s, r in zip(sdk_rates, raw_rates, strict=True)]
    return Measured(statistics.median(sdk_rates), statistics.median(raw_rates), ratios)


def canned_transport(cases: dict[str, Case], class_id: str) -> httpx.MockTransport:
    """Answers like the server would (spec success examples), without a network or a server."""
    result = _example(operation("putResult").definition["responses"]["201"]["content"]["application/json"])
    result["result"]["sourcedId"] = RESULT_ID
    klass = _example(operation("updateClass").definition["responses"]["200"]["content"]["application/json"])
    klass["sourcedId"] = class_id
    answers = {
        cases["putResult"].path: (201, json.dumps(result).encode()),
        cases["updateClass"].path: (200, json.dumps(klass).encode()),
    }
    token = json.dumps({"access_token": "canned", "token_type": "Bearer", "expires_in": 3600}).encode()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, content=token, headers={"Content-Type": "application/json"})
        status, content = answers[request.url.path]
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handle)


def pin(server_pid: int) -> str:
    """Server on one CPU, this process (both clients) on another, when there are two to use."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return "not pinned (fewer than 2 CPUs)"
    os.sched_setaffinity(server_pid, {cpus[-1]})
    os.sched_setaffinity(0, {cpus[0]})
    return f"server on CPU {cpus[-1]}, clients on CPU {cpus[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="requests per side per round (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--concurrency", type=int, default=16, help="tasks for the async figure (default 16)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="do not pin the server and this process to different CPUs (pinning keeps the scheduler from "
        "running the server on the client's CPU in the middle of a send, which swamps the figures)",
    )
    args = parser.parse_args(argv)
    no_retry = RetryConfig(attempts=1)  # a benchmark must not hide failures behind retries
    rows: list[tuple[str, str, float, float, float, str, str]] = []

    with ReferenceServer() as server:
        pinned = pin(server.pid) if not args.no_pin else "not pinned"
        class_id = server.class_ids[0]
        bodies = request_bodies()
        cases = {name: Case(name, body, class_id) for name, body in bodies.items()}
        cases["putResult (dict)"] = Case("putResult", bodies["putResult"], class_id, as_dict=True)
        for case in cases.values():
            case.capture_payload()
        env = Environment.custom(server.base_url, server.token_url, name="reference")
        auth = ClientCredentialsAuth(server.token_url, server.client_id, server.client_secret)
        with OneRosterClient(auth=auth, environment=env, retry=no_retry) as sdk:
            for case in cases.values():  # warm up: token, connections, cached validators
                case.sdk_call(sdk)
            token = auth.access_token
            assert token is not None
            with httpx.Client(base_url=server.base_url, headers=raw_headers(token)) as raw:
                for case in cases.values():
                    case.raw_call(raw)
                for key, case in cases.items():
                    m = bench_sync(partial(case.sdk_call, sdk), partial(case.raw_call, raw), args.requests, args.rounds)
                    target = "info" if "dict" in key else "<= 1.15"
                    rows.append(
                        (
                            case.label,
                            "c=1 median ms/request",
                            m.sdk * 1e3,
                            m.raw * 1e3,
                            m.sdk / m.raw,
                            m.spread(),
                            target,
                        )
                    )
                # what turning off the response check (`validate_responses=False`) buys, for the README
                with OneRosterClient(auth=auth, environment=env, retry=no_retry, validate_responses=False) as fast:
                    case = cases["putResult"]
                    case.sdk_call(fast)
                    raw_call = partial(case.raw_call, raw)
                    m = bench_sync(partial(case.sdk_call, fast), raw_call, args.requests, args.rounds)
                    label = "c=1, validate_responses=False"
                    rows.append((case.label, label, m.sdk * 1e3, m.raw * 1e3, m.sdk / m.raw, m.spread(), "info"))
                    # the floor under any SDK built on the generated models: the generated function alone
                    body = PutResultRequest(result=case.sdk_args[1])
                    api = AuthenticatedClient(base_url=server.base_url, token="", raise_on_unexpected_status=False)
                    api.set_httpx_client(fast.http)  # the SDK's httpx client: same auth, transport, pool
                    generated = partial(put_result.sync_detailed, case.sdk_args[0], client=api, body=body)
                    m = bench_sync(generated, raw_call, args.requests, args.rounds)
                    label = "c=1, generated sync_detailed"
                    rows.append(("(floor)", label, m.sdk * 1e3, m.raw * 1e3, m.sdk / m.raw, m.spread(), "info"))

        async def run_async() -> None:
            async with (
                AsyncOneRosterClient(auth=auth, environment=env, retry=no_retry) as sdk,
                httpx.AsyncClient(base_url=server.base_url, headers=raw_headers(token)) as raw,
            ):
                for case in cases.values():
                    await case.sdk_call_async(sdk)
                    await case.raw_call_async(raw)
                for key, case in cases.items():
                    if "dict" in key:
                        continue
                    # throughput moves more than latency on a shared machine: longer blocks, more rounds
                    m = await bench_async(case, sdk, raw, args.requests * 3, args.rounds * 2, args.concurrency)
                    label = f"c={args.concurrency} async requests/s"
                    rows.append((case.label, label, m.sdk, m.raw, m.sdk / m.raw, m.spread(), ">= 0.90"))

        asyncio.run(run_async())
        log_lines = server.log_text().count("\n")

    transport = canned_transport(cases, class_id)
    with (
        OneRosterClient(client_id="x", client_secret="y", environment=env, transport=transport, retry=no_retry) as sdk,
        httpx.Client(base_url=env.base_url, headers=raw_headers("canned"), transport=transport) as raw,
    ):
        for case in cases.values():
            case.sdk_call(sdk)
            m = bench_sync(partial(case.sdk_call, sdk), partial(case.raw_call, raw), args.requests, args.rounds)
            label = "no network: client us/request"
            rows.append((case.label, label, m.sdk * 1e6, m.raw * 1e6, m.sdk / m.raw, m.spread(), "info"))

    print(
        f"bench_client: {args.rounds} interleaved rounds x {args.requests} requests per side "
        f"(server handled {log_lines} log lines; {pinned})"
    )
    header = f"{'operation':<18} {'measure':<30} {'SDK':>9} {'raw httpx':>9} {'ratio':>6} {'rounds':>11}  target"
    print(header)
    print("-" * len(header))
    failed = False
    for name, measure, sdk_value, raw_value, ratio, spread, target in rows:
        verdict = ""
        if target.startswith("<="):
            verdict = "ok" if ratio <= float(target[2:]) else "MISSED"
        elif target.startswith(">="):
            verdict = "ok" if ratio >= float(target[2:]) else "MISSED"
        failed = failed or verdict == "MISSED"
        figures = f"{sdk_value:>9.2f} {raw_value:>9.2f} {ratio:>6.3f} {spread:>11}"
        print(f"{name:<18} {measure:<30} {figures}  {target} {verdict}")
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
