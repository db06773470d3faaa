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

On PostgreSQL (`--db postgresql://user@host:port/dbname`, or `--db postgresql` for a throwaway
cluster started here) the server runs `--workers N` (default 2), and phase 3 SIGKILLs single
workers instead of the whole server (`--kill-cycles`, default `--kills`): the server stays up,
starts a new worker each time, and `--writers` clients (default 8 there) write in a burst
throughout, each reconnecting when its worker dies.

    python scripts/bench_soak.py [--duration 30] [--rounds 3] [--kills 3] [--slow 1000] [--check]
    python scripts/bench_soak.py --db postgresql --workers 2 --kill-cycles 6 [--writers 8]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
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
    name: str = "soak"
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
                sourced_id = f"{self.name}-{os.getpid()}-{self.counter}"
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
    parser.add_argument(
        "--db", help="a PostgreSQL URL, or 'postgresql' for a throwaway cluster (default: an SQLite file)"
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes on PostgreSQL (default 2)")
    parser.add_argument(
        "--kill-cycles", type=int, help="on PostgreSQL: single workers SIGKILLed in phase 3 (default --kills)"
    )
    parser.add_argument("--writers", type=int, help="clients writing in phase 3 (default 1; 8 on PostgreSQL)")
    parser.add_argument("--hostile", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hostile:
        port, seconds, slow, token, class_id = args.hostile
        hostile_main(int(port), float(seconds), int(slow), token, class_id)
        return 0
    if args.db is not None and not args.db.startswith(("postgresql://", "postgres://")) and args.db != "postgresql":
        parser.error("--db must be a PostgreSQL URL (postgresql://user@host:port/dbname) or 'postgresql'")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    with _database(args.db) as url:
        return _soak(args, url)


@contextlib.contextmanager
def _database(db: str | None) -> Iterator[str | None]:
    """The PostgreSQL URL to soak (a throwaway cluster's for 'postgresql'), or None for SQLite."""
    if db != "postgresql":
        yield db
        return
    from oneroster_kit.server.pgcluster import PostgresCluster

    with PostgresCluster(install=True) as cluster:
        yield cluster.create_database("soak")


def _soak(args: argparse.Namespace, url: str | None) -> int:
    workers = args.workers if url is not None else 1
    kill_workers = url is not None and workers > 1
    cycles = args.kill_cycles if args.kill_cycles is not None and kill_workers else args.kills
    writers = args.writers or (8 if url is not None else 1)
    with ReferenceServer(db_url=url, workers=workers) as server:
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
            for cycle in range(cycles):
                time.sleep(args.duration / (cycles + 1))
                if kill_workers:  # one worker at a time, in turn; the server starts another
                    pids = server.worker_pids()
                    server.kill_worker(pids[cycle % len(pids)])
                else:
                    server.kill()
                    server.start()
                kills += 1

        burst = [Client(server, token, name=f"burst{number}") for number in range(writers - 1)]
        threads = [threading.Thread(target=killer)]
        threads += [threading.Thread(target=writer.run, args=(args.duration,)) for writer in burst]
        for thread in threads:
            thread.start()
        client.run(args.duration)
        for thread in threads:
            thread.join()
        for writer in burst:
            client.acknowledged.update(writer.acknowledged)
            client.five_xx += writer.five_xx
            client.failures.update(writer.failures)
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
    backend = f"PostgreSQL, {workers} workers" if url is not None else "SQLite"
    killed = "single workers SIGKILLed (each replaced)" if kill_workers else "SIGKILL/restarts of the server"
    print(
        f"{backend}; phases of {args.duration:g} s ({args.rounds} alternating idle/hostile rounds); {args.slow} slow "
        f"connections in phase 2; phase 3: {kills} {killed}, {writers} writer(s)"
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
    stored: dict[str, str]
    if server.db_url is not None:
        import psycopg

        with psycopg.connect(server.db_url) as db:
            rows = db.execute("SELECT sourced_id, document FROM oneroster_results").fetchall()
        stored = {bytes(key).decode(): document for key, document in rows}
    else:
        with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as db:
            stored = dict(db.execute("SELECT sourced_id, document FROM results"))
    return sum(
        1 for key, answer in acknowledged.items() if b'{"result":' + stored.get(key, "").encode() + b"}" != answer
    )


if __name__ == "__main__":
    raise SystemExit(main())
