"""Benchmark: result PUTs/s of the reference server on PostgreSQL with 1 and 2 workers, beside SQLite.

The same method as `bench_server.py` (its wrk Lua script: a result PUT with a valid token, a new
sourcedId per request; wrk -t1 pinned to one CPU), at c=16 by default. Targets, in alternating
rounds (medians), each on a fresh database:

- `echo`: the server's own stack answering 201 with the body (no token, no validation, no
  storage): the generator's ceiling, printed so that a reader sees wrk is not what limits the rest;
- `sqlite-1`: the reference server on SQLite (one process: the embedded default);
- `postgresql-N`: the reference server on PostgreSQL with N workers (`--workers N`);
- `async-N`: the same on a database with `synchronous_commit=off` (throwaway cluster only): a
  commit no longer waits for its WAL flush, which shows what the CPU allows once the flush's
  latency is out of the way. Durability then differs: a crash of PostgreSQL itself (not of a
  worker) can lose the last fraction of a second of acknowledged writes; a killed worker still
  loses nothing.

Before the runs it times single-row autocommitted inserts on the default database: the latency
of one commit, which at c=16 bounds the durable targets (each request waits for about two
commits: the group in flight, then its own).

Unlike `bench_server.py`, the servers are not pinned: the point is how throughput grows with
workers, so the workers and PostgreSQL's backends share the machine's cores (wrk keeps its own).
For each target the script also reads the CPU time its processes used during the measured runs
(/proc), per request: the server's processes, and PostgreSQL's (postmaster and backends), which is
what bounds the database once the workers are spread over several hosts.

    python scripts/bench_postgres.py [--db postgresql://user@host:port/dbname] [--workers 1 2]
        [--duration 5] [--rounds 2] [--concurrency 16]

Without `--db` it starts a throwaway cluster (`oneroster_kit.server.pgcluster`, default settings)
and gives each target a new database; with `--db` every PostgreSQL target uses that database (its
tables are created on first use) and the `async-N` rows are left out.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server import _start_echo, _token, _wrk, run_wrk

from oneroster_kit.server.pgcluster import PostgresCluster, PostgresUnavailable
from oneroster_kit.server.process import ReferenceServer

_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (workers, PostgreSQL backends)."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        for children in glob.glob(f"/proc/{pid}/task/*/children"):
            with contextlib.suppress(OSError):
                queue += [int(child) for child in Path(children).read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (those still alive)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / _TICKS


class Target:
    """One measured server: its URL, token, and the processes whose CPU time is counted."""

    def __init__(self, name: str, url: str, token: str, server_pids: list[int], db_root: int | None) -> None:
        self.name = name
        self.url = url
        self.token = token
        self.server_pids = server_pids
        self.db_root = db_root  # the postmaster, for PostgreSQL targets
        self.runs: list[dict[str, Any]] = []

    def cpu(self) -> tuple[float, float]:
        server = cpu_seconds([pid for root in self.server_pids for pid in process_tree(root)])
        database = cpu_seconds(process_tree(self.db_root)) if self.db_root is not None else 0.0
        return server, database


@contextlib.contextmanager
def _cluster(url: str | None) -> Iterator[tuple[PostgresCluster | None, str | None]]:
    if url is not None:
        yield None, url
        return
    with PostgresCluster(install=True) as cluster:
        yield cluster, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a throwaway cluster started here)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per target (median taken)")
    parser.add_argument("--concurrency", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args()
    if args.db is not None and not args.db.startswith(("postgresql://", "postgres://")):
        parser.error("--db must be a PostgreSQL URL, postgresql://user@host:port/dbname")
    wrk = _wrk()
    if wrk is None:
        print("SKIP: wrk is not installed and could not be installed (apt-get install wrk)")
        return 0
    cpus = sorted(os.sched_getaffinity(0))
    wrk_cpu = cpus[-1]
    try:
        with _cluster(args.db) as (cluster, given), tempfile.TemporaryDirectory() as folder:
            return _measure(args, wrk, wrk_cpu, cluster, given, Path(folder))
    except PostgresUnavailable as error:
        print(f"SKIP: no PostgreSQL cluster: {error}")
        return 0


def _measure(
    args: argparse.Namespace, wrk: str, wrk_cpu: int, cluster: PostgresCluster | None, given: str | None, work: Path
) -> int:
    with contextlib.ExitStack() as stack:
        echo, echo_url = _start_echo(work, "same")
        stack.callback(echo.wait, 10)
        stack.callback(echo.terminate)
        targets = [Target("echo", echo_url, "unused", [echo.pid], None)]
        sqlite = stack.enter_context(ReferenceServer())
        targets.append(Target("sqlite-1", sqlite.base_url, _token(sqlite), [sqlite.pid], None))
        servers = [sqlite]
        root = cluster.postmaster_pid if cluster is not None else None
        commit_ms = _commit_latency(given or (cluster.create_database() if cluster is not None else ""))
        for synchronous in ("on", "off") if cluster is not None else ("on",):
            for count in args.workers:
                url = given if given is not None else cluster.create_database() if cluster is not None else ""
                if synchronous == "off":
                    _set_async(url)
                server = stack.enter_context(ReferenceServer(db_url=url, workers=count))
                servers.append(server)
                name = f"postgresql-{count}" if synchronous == "on" else f"async-{count}"
                targets.append(Target(name, server.base_url, _token(server), [server.pid], root))
        for target in targets:  # warm-up, unmeasured
            run_wrk(wrk, wrk_cpu, target.url, target.token, args.concurrency, 1, work)
        for _ in range(args.rounds):
            for target in targets:
                before = target.cpu()
                figures = run_wrk(wrk, wrk_cpu, target.url, target.token, args.concurrency, args.duration, work)
                after = target.cpu()
                figures["server_cpu"] = after[0] - before[0]
                figures["db_cpu"] = after[1] - before[1]
                target.runs.append(figures)
        grouping = []
        for server in servers:
            server.stop()
            grouping += [line for line in server.log_text().splitlines() if line.startswith("database: ")]
    return _report(args, targets, wrk_cpu, given is None, grouping, commit_ms)


def _commit_latency(url: str, count: int = 200) -> float:
    """Median milliseconds of one autocommitted single-row insert: the WAL flush a commit waits for."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS oneroster_bench_probe (n int)")
        times = []
        for number in range(count):
            started = time.perf_counter()
            db.execute("INSERT INTO oneroster_bench_probe VALUES (%s)", [number])
            times.append((time.perf_counter() - started) * 1000)
        db.execute("DROP TABLE oneroster_bench_probe")
    return statistics.median(times)


def _set_async(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        name = db.info.dbname
        db.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')  # the throwaway cluster's own database


def _report(
    args: argparse.Namespace,
    targets: list[Target],
    wrk_cpu: int,
    throwaway: bool,
    grouping: list[str],
    commit_ms: float,
) -> int:
    print(
        f"\nwrk -t1 -c{args.concurrency} pinned to CPU {wrk_cpu}, servers and PostgreSQL unpinned; "
        f"{os.cpu_count()} CPUs; median of {args.rounds} rounds of {args.duration:g} s"
        + ("; PostgreSQL: a throwaway cluster, default settings (synchronous_commit=on)" if throwaway else "")
    )
    print(
        f"{'target':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU us/req':>19}{'pg CPU us/req':>15}"
    )
    rate: dict[str, float] = {}
    bad = 0
    for target in targets:
        runs = target.runs
        rate[target.name] = statistics.median(run["rate"] for run in runs)
        errors = sum(run["status_errors"] + run["socket_errors"] for run in runs)
        if target.name != "echo":
            bad += errors
        requests = sum(run["requests"] for run in runs)
        server_us = sum(run["server_cpu"] for run in runs) / requests * 1e6
        db_us = sum(run["db_cpu"] for run in runs) / requests * 1e6
        print(
            f"{target.name:<15}{rate[target.name]:>9.0f}{statistics.median(r['p50'] for r in runs) / 1000:>9.2f}"
            f"{statistics.median(r['p99'] for r in runs) / 1000:>9.2f}{errors:>8}{server_us:>19.0f}"
            + (f"{db_us:>15.0f}" if target.db_root is not None else f"{'-':>15}")
        )
    sqlite = rate["sqlite-1"]
    print()
    for name in rate:
        if name.startswith(("postgresql-", "async-")):
            print(f"{name} / sqlite-1: {rate[name] / sqlite:.2f}")
    for kind in ("postgresql", "async"):
        counts = sorted(int(name.split("-")[1]) for name in rate if name.startswith(kind + "-"))
        for count in counts[1:]:
            first = f"{kind}-{counts[0]}"
            print(f"{kind}-{count} / {first}: {rate[f'{kind}-{count}'] / rate[first]:.2f}")
    bound = args.concurrency / (2 * commit_ms / 1000)
    print(
        f"one commit (autocommitted insert, median): {commit_ms:.2f} ms; at c={args.concurrency} a durable target "
        f"whose requests each wait about two commits serves at most about {bound:.0f} req/s"
    )
    fastest = max(value for name, value in rate.items() if name != "echo")
    print(
        f"generator ceiling: the same wrk drove the echo at {rate['echo']:.0f} req/s, "
        f"{rate['echo'] / fastest:.1f}x the fastest reference target, so wrk is not what limits them"
    )
    print("servers' own counts:", "; ".join(grouping) or "none")
    print(f"non-2xx or socket errors on reference targets: {bad}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
