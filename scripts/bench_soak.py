"""Soak: a well-behaved client beside hostile traffic and SIGKILL/restart cycles, for a bounded time.

Three phases against one reference server (a real process on loopback, its default limits):

1. idle: the well-behaved client alone (sequential result PUTs on one keep-alive connection);
2. hostile: the same client while a separate process keeps 1,000 slow connections open (a
   header line per second, reconnecting when the server closes them at its head deadline) and
   sends oversized bodies, invalid bodies, a 1 MB body of 500,000 violations, forged tokens,
   wrong client secrets and malformed HTTP; phases 1 and 2 alternate in rounds, so that other
   load on the machine falls on both alike;
3. crash: the same two, while the server is SIGKILLed and restarted on the same database.

It prints acknowledged writes (201), lost writes (acknowledged but not stored byte-identical
after the last restart: must be 0), 5xx answers seen by anyone (must be 0), the hostile
answers by kind, and the well-behaved client's p50/p99 in phase 2 relative to phase 1 (target:
p99 within 3x).

    python scripts/bench_soak.py [--duration 30] [--rounds 3] [--kills 3] [--slow 1000] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from oneroster_kit.server.process import ReferenceServer

RESULTS = "/ims/oneroster/gradebook/v1p2/results/"
CLASSES = "/ims/oneroster/rostering/v1p2/classes/"


def result_body(sourced_id: str, score: float) -> dict[str, Any]:
    return {
        "result": {
            "sourcedId": sourced_id,
            "status": "active",
            "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
            "student": {"sourcedId": "student-42"},
            "scoreStatus": "fully graded",
            "score": score,
            "scoreDate": "2026-11-20T14:30:00Z",
            "comment": "soak",
        }
    }


# -- the hostile process -------------------------------------------------------------------------
async def _slow_connection(port: int, counts: collections.Counter[str], stop: float) -> None:
    """Keeps one connection open by sending one header line per second; reconnects when closed."""
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts["slow: connect failed"] += 1
            await asyncio.sleep(0.5)
            continue
        try:
            writer.write(f"PUT {RESULTS}slow HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            while time.monotonic() < stop:
                writer.write(b"X-Slow: 1\r\n")
                await writer.drain()
                try:
                    answer = await asyncio.wait_for(reader.read(200), timeout=1.0)
                except TimeoutError:
                    continue
                status = answer[9:12].decode("ascii", "replace") if answer.startswith(b"HTTP/1.1 ") else "closed"
                counts[f"slow: {status}"] += 1
                break
        except OSError:
            counts["slow: reset"] += 1
        finally:
            writer.close()


async def _raw(port: int, data: bytes) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(200), timeout=10)
        return answer[9:12].decode("ascii", "replace") if answer.startswith(b"HTTP/1.1 ") else "closed"
    finally:
        writer.close()


async def _junk(
    port: int, guess: str, token: str, class_id: str, counts: collections.Counter[str], stop: float
) -> None:
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}"}
    violations = b'{"class": {"grades": [' + b",".join([b"1"] * 500_000) + b"]}}"
    oversized = b'{"result": "' + b"x" * 1_200_000 + b'"}'
    json_headers = {**auth, "Content-Type": "application/json"}
    forged = {"Authorization": "Bearer v1.e30.AAAA"}
    wrong = {"grant_type": "client_credentials", "client_id": "x", "client_secret": guess}

    async def send(client: httpx.AsyncClient, kind: str) -> httpx.Response:
        if kind == "oversized body":
            return await client.put(base + RESULTS + "junk", content=oversized, headers=json_headers)
        if kind == "invalid body":
            return await client.put(base + RESULTS + "junk", json={"result": {"score": "x"}}, headers=auth)
        if kind == "forged token":
            return await client.put(base + RESULTS + "junk", json=result_body("junk", 1), headers=forged)
        if kind == "wrong secret":
            return await client.post(base + "/oauth2/token", data=wrong)
        return await client.put(base + RESULTS + "junk", content=b"{", headers=json_headers)

    kinds = ["oversized body", "invalid body", "forged token", "wrong secret", "not JSON"]
    raw = [
        ("TE+CL", b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("bare LF", b"GET / HTTP/1.1\nHost: a\n\n"),
        ("huge head", b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 20_000 + b"\r\n\r\n"),
    ]
    last_violations = 0.0
    async with httpx.AsyncClient(timeout=30) as client:
        while time.monotonic() < stop:
            try:
                if time.monotonic() - last_violations > 2.0:  # the expensive one, every 2 s
                    last_violations = time.monotonic()
                    response = await client.put(
                        base + CLASSES + class_id,
                        content=violations,
                        headers={**auth, "Content-Type": "application/json"},
                    )
                    counts[f"500k violations: {response.status_code}"] += 1
                kind = random.choice(kinds)
                response = await send(client, kind)
                counts[f"{kind}: {response.status_code}"] += 1
                name, data = random.choice(raw)
                counts[f"{name}: {await _raw(port, data)}"] += 1
            except (httpx.TransportError, OSError, TimeoutError) as error:
                counts[f"junk: {type(error).__name__}"] += 1
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.05)


async def _hostile(port: int, seconds: float, slow: int, token: str, class_id: str) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    stop = time.monotonic() + seconds
    tasks = []
    for number in range(slow):  # spread over about 2 s, so that their head deadlines do not coincide
        tasks.append(asyncio.create_task(_slow_connection(port, counts, stop)))
        if number % 10 == 9:
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)
    print("OPEN", flush=True)  # the caller starts measuring now
    tasks += [asyncio.create_task(_junk(port, f"guess-{n}", token, class_id, counts, stop)) for n in range(2)]
    await asyncio.gather(*tasks, return_exceptions=True)
    return dict(counts)


def hostile_main(port: int, seconds: float, slow: int, token: str, class_id: str) -> None:
    print(json.dumps(asyncio.run(_hostile(port, seconds, slow, token, class_id))), flush=True)


# -- the well-behaved client ---------------------------------------------------------------------
@dataclass
class Client:
    """Sequential result PUTs on one keep-alive connection; remembers what was acknowledged."""

    server: ReferenceServer
    token: str
    acknowledged: dict[str, bytes] = field(default_factory=dict)
    five_xx: int = 0
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    counter: int = 0

    def run(self, seconds: float) -> list[float]:
        latencies: list[float] = []
        stop = time.monotonic() + seconds
        with httpx.Client(timeout=10) as http:
            while time.monotonic() < stop:
                self.counter += 1
                sourced_id = f"soak-{os.getpid()}-{self.counter}"
                body = result_body(sourced_id, round(random.uniform(0, 100), 2))
                headers = {"Authorization": f"Bearer {self.token}"}
                started = time.perf_counter()
                try:
                    response = http.put(self.server.base_url + RESULTS + sourced_id, json=body, headers=headers)
                except httpx.TransportError as error:  # the server is being killed and restarted
                    self.failures[type(error).__name__] += 1
                    time.sleep(0.05)
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code == 201:
                    self.acknowledged[sourced_id] = response.content
                elif response.status_code >= 500:
                    self.five_xx += 1
                else:
                    self.failures[str(response.status_code)] += 1
        return latencies


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    if not ordered:
        return float("nan"), float("nan")
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000


def _start_hostile(port: int, seconds: float, slow: int, token: str, class_id: str) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--hostile", str(port), str(seconds), str(slow), token, class_id]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def _wait_open(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("OPEN"):
        raise SystemExit(f"the hostile process did not start: {line!r}")


def _merge(into: dict[str, int], counts: dict[str, int]) -> None:
    for kind, number in counts.items():
        into[kind] = into.get(kind, 0) + number


def _hostile_counts(process: subprocess.Popen[str]) -> dict[str, int]:
    out, _ = process.communicate(timeout=120)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    counts: dict[str, int] = json.loads(lines[-1]) if lines else {}
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase (default 30)")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILL/restart cycles in phase 3 (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating idle/hostile rounds in phases 1-2 (3)")
    parser.add_argument("--slow", type=int, default=1000, help="slow connections held open (default 1000)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless lost = 0, 5xx = 0 and p99 within 3x")
    parser.add_argument("--hostile", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hostile:
        port, seconds, slow, token, class_id = args.hostile
        hostile_main(int(port), float(seconds), int(slow), token, class_id)
        return 0

    with ReferenceServer() as server:
        form = {"grant_type": "client_credentials"}
        token = httpx.post(server.token_url, data=form, auth=(server.client_id, server.client_secret)).json()[
            "access_token"
        ]
        client = Client(server, token)
        client.run(1.0)  # warm-up
        idle: list[float] = []
        under_load: list[float] = []
        hostile_counts: dict[str, int] = {}
        share = args.duration / args.rounds
        for _ in range(args.rounds):  # alternating, so that the machine's other load hits both alike
            idle += client.run(share)
            hostile = _start_hostile(server.port, share + 3.5, args.slow, token, server.class_ids[0])
            _wait_open(hostile)
            under_load += client.run(share)
            _merge(hostile_counts, _hostile_counts(hostile))

        hostile = _start_hostile(server.port, args.duration + 3, min(args.slow, 200), token, server.class_ids[0])
        _wait_open(hostile)
        kills = 0

        def killer() -> None:
            nonlocal kills
            for _ in range(args.kills):
                time.sleep(args.duration / (args.kills + 1))
                server.kill()
                kills += 1
                server.start()

        thread = threading.Thread(target=killer)
        thread.start()
        client.run(args.duration)
        thread.join()
        crash_counts = _hostile_counts(hostile)
        server.stop()
        graceful = server.returncode
        lost = _lost_writes(server, client.acknowledged)
        log = server.log_text()

    idle_p50, idle_p99 = _percentiles(idle)
    load_p50, load_p99 = _percentiles(under_load)
    hostile_5xx = sum(n for kind, n in {**hostile_counts}.items() if kind.split(": ")[-1].startswith("5"))
    crash_5xx = sum(n for kind, n in crash_counts.items() if kind.split(": ")[-1].startswith("5"))
    unhandled = log.count("UNHANDLED")
    print(
        f"phases of {args.duration:g} s ({args.rounds} alternating idle/hostile rounds); {args.slow} slow "
        f"connections in phase 2; {kills} SIGKILL/restarts in phase 3"
    )
    print(f"acknowledged writes: {len(client.acknowledged)}")
    print(f"lost writes: {lost}")
    print(f"5xx answers: well-behaved {client.five_xx}, hostile {hostile_5xx}, during crashes {crash_5xx}")
    print(f"UNHANDLED in the server log: {unhandled}; exit status after the last SIGTERM: {graceful}")
    print(f"well-behaved client failures (connection errors during kills, other statuses): {dict(client.failures)}")
    print(f"well-behaved idle:      p50 {idle_p50:.2f} ms  p99 {idle_p99:.2f} ms  ({len(idle)} requests)")
    print(f"well-behaved + hostile: p50 {load_p50:.2f} ms  p99 {load_p99:.2f} ms  ({len(under_load)} requests)")
    print(f"ratio hostile/idle: p50 {load_p50 / idle_p50:.2f}  p99 {load_p99 / idle_p99:.2f}  (target p99 <= 3)")
    print("hostile answers (phase 2):", json.dumps(dict(sorted(hostile_counts.items()))))
    print("hostile answers (phase 3):", json.dumps(dict(sorted(crash_counts.items()))))
    ok = lost == 0 and client.five_xx + hostile_5xx + crash_5xx == 0 and load_p99 / idle_p99 <= 3 and unhandled == 0
    print("verdict:", "ok" if ok else "MISSED")
    return 0 if ok or not args.check else 1


def _lost_writes(server: ReferenceServer, acknowledged: dict[str, bytes]) -> int:
    """Acknowledged results that are missing or differ from the acknowledged answer."""
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as db:
        stored = dict(db.execute("SELECT sourced_id, document FROM results WHERE sourced_id LIKE 'soak-%'"))
    return sum(
        1 for key, answer in acknowledged.items() if b'{"result":' + stored.get(key, "").encode() + b"}" != answer
    )


if __name__ == "__main__":
    raise SystemExit(main())
