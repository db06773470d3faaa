"""`oneroster-reference-server`: serve the reference server with uvicorn.

Prints one JSON line on stdout when it accepts connections:
`{"event": "ready", "base_url": ..., "token_url": ..., "class_ids": [...]}` (with `--workers N`,
also `"workers": [pids]`; a variant that never creates results, `"result_ids": [...]`), then logs
one line per request on stderr. SIGTERM and SIGINT stop it gracefully: no new connections,
requests in progress finish (up to 5 s), the database is closed, exit status 0.

`--db` is an SQLite file (the default: one process, nothing to set up) or a PostgreSQL URL
(`postgresql://user@host:port/dbname`, the `postgres` extra), which `--workers N` serves with N
worker processes on one listening socket (`workers`); several servers on several hosts may share
one PostgreSQL database.

The event loop is uvloop and the HTTP parser httptools (llhttp), with the connection limits of
`oneroster_kit.server.protocol`; see the README's "Reliability" section for the evidence and limits.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import json
import os
import resource
import shutil
import signal
import socket
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn
import uvloop

from oneroster_kit.contract import default_contract, operations
from oneroster_kit.extras import ExtraMissingError, require_extra
from oneroster_kit.server.app import ReferenceApp, ServerSettings
from oneroster_kit.server.backend import DatabaseBusyError, Storage, StorageError, is_postgres_url, open_storage
from oneroster_kit.server.documents import class_document
from oneroster_kit.server.faults import FAULTS, UnknownFaultError, apply_faults, keeps_state
from oneroster_kit.server.looplog import BoundedLoopLog
from oneroster_kit.server.protocol import ConnectionLimits, GuardedHttpProtocol
from oneroster_kit.server.seed import DEFAULT_SEED, SeedError, load_seed
from oneroster_kit.server.variants import CANNED, DIALECTS, SEEDED_RESULTS, Variant, VariantApp, apply_dialect
from oneroster_kit.server.workers import WorkerPool, WorkerStartError, announce_ready, worker_command

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "main"]

DEFAULT_CLIENT_ID = "oneroster-local"
DEFAULT_CLIENT_SECRET = "oneroster-local-secret"  # for local use only; set your own anywhere else
DEFAULT_DB = "oneroster-reference.db"


def fault_summary(name: str) -> str:
    """What fault `name` breaks: the first paragraph of its docstring, on one line."""
    doc = inspect.cleandoc(FAULTS[name].__doc__ or "")
    return " ".join(doc.split("\n\n", 1)[0].split()) or "(undescribed)"


def _faults_help() -> str:
    """Every fault with its whole summary, wrapped to the terminal (argparse would cut nothing, but
    the summaries are longer than a line)."""
    lines = ["faults (--fault NAME): each breaks one rule of openapi.yaml"]
    width = max((len(name) for name in FAULTS), default=0)
    columns = max(60, shutil.get_terminal_size().columns - 2)
    for name in sorted(FAULTS):
        lines.append(
            textwrap.fill(
                fault_summary(name),
                width=max(columns, width + 40),
                initial_indent=f"  {name.ljust(width)}  ",
                subsequent_indent=" " * (width + 4),
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oneroster-reference-server",
        description="Reference server for the two OneRoster write operations of openapi.yaml.",
        epilog=_faults_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (0 = a free port; default 8000)")
    parser.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"SQLite file, created when missing (default {DEFAULT_DB} in the current directory), or a "
        "PostgreSQL URL postgresql://user@host:port/dbname (schema created or migrated at start-up)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.environ.get("ONEROSTER_WORKERS", "1"),
        help="worker processes on one listening socket (PostgreSQL only; env ONEROSTER_WORKERS; default 1)",
    )
    parser.add_argument("--seed", type=Path, help=f"seed file for a new database (default: {DEFAULT_SEED.name})")
    parser.add_argument(
        "--client-id",
        default=os.environ.get("ONEROSTER_CLIENT_ID", DEFAULT_CLIENT_ID),
        help=f"OAuth2 client id (env ONEROSTER_CLIENT_ID; default {DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--client-secret",
        default=os.environ.get("ONEROSTER_CLIENT_SECRET", DEFAULT_CLIENT_SECRET),
        help=f"OAuth2 client secret (env ONEROSTER_CLIENT_SECRET; default {DEFAULT_CLIENT_SECRET})",
    )
    parser.add_argument("--token-ttl", type=int, default=3600, help="token lifetime in seconds (default 3600)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="start with a named fault, to prove a checker catches it (repeatable; each is described below)",
    )
    variants = parser.add_argument_group(
        "variants: the reference server shaped like a partial or foreign implementation (for testing checkers)"
    )
    variants.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="OPERATION",
        choices=sorted(operations()),
        help="serve only this operation (putResult or updateClass; repeatable); the others answer 404 like any "
        "path the server does not serve",
    )
    variants.add_argument(
        "--update-only",
        action="store_true",
        help="a result PUT to an id that does not exist answers 404 instead of creating it; the results "
        "result-existing-1..3 exist (listed in the ready line as result_ids)",
    )
    variants.add_argument(
        "--dialect",
        choices=sorted(DIALECTS),
        help="speak another dialect of OneRoster: fastapi (results at /ims/oneroster/v1p2/results/{id} only, "
        'update-only, bare Result in and out, enum values as fully_graded, {"detail": ...} errors, 403 without '
        "a token, scope names results:write and classes:write); flat-imsx (error bodies with a flat "
        "imsx_codeMinor string)",
    )
    variants.add_argument(
        "--canned",
        choices=CANNED,
        help="answer like a mock generated from the spec (as Prism does): every accepted request (after-gates: "
        "token and body checked as usual) or every request (always) is answered 200 with the spec's example",
    )
    parser.add_argument("--fsync", action="store_true", help="synchronous=FULL: survive power loss, not only crashes")
    parser.add_argument(
        "--record", type=Path, metavar="FILE", help="append every exchange to FILE (NDJSON; tokens and secrets hidden)"
    )
    parser.add_argument("--worker-fds", help=argparse.SUPPRESS)  # LISTEN,READY: a worker of `--workers N`
    limits = parser.add_argument_group("limits (see the README's Reliability section; env ONEROSTER_<NAME>)")
    for name, kind, default, meaning in _LIMITS:
        env = "ONEROSTER_" + name.upper().replace("-", "_")
        limits.add_argument(
            f"--{name}", type=kind, default=os.environ.get(env, default), help=f"{meaning} (default {default})"
        )
    return parser


# name, type, default, meaning: each also settable as ONEROSTER_<NAME> (e.g. ONEROSTER_HEAD_TIMEOUT)
_LIMITS: list[tuple[str, type[float] | type[int], str, str]] = [
    ("head-timeout", float, "10", "seconds to receive a request line and headers, then 408"),
    ("body-timeout", float, "30", "seconds to receive a request body, then 408"),
    ("keep-alive-timeout", float, "5", "idle seconds between requests before the connection is closed"),
    ("max-connections", int, "4096", "open connections; beyond, 503 and close"),
    ("max-in-flight", int, "256", "requests in progress; beyond, 503"),
    ("db-busy-timeout", float, "2", "seconds a write waits for the database, then 503 with Retry-After"),
]


def _connection_cap(requested: int) -> int:
    """`requested`, lowered so that open connections never exhaust the file-descriptor limit.

    The soft limit is raised to the hard one first; 64 descriptors stay free for the database,
    the log and the listening socket.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return max(1, min(requested, soft - 64))


def _problem(args: argparse.Namespace, postgres: bool) -> str | None:
    """What is wrong with a combination of options, in one line (None: nothing)."""
    if args.workers > 1 and not postgres:
        return "--workers N needs --db postgresql://...: one SQLite file is served by one process"
    if postgres and args.fsync:
        return "--fsync is for SQLite: on PostgreSQL durability is the cluster's own (fsync, synchronous_commit)"
    if args.workers > 1:
        per_process = [name for name in args.fault if name in FAULTS and keeps_state(name)]
        if per_process:
            return (
                f"--fault {', '.join(per_process)} remembers earlier requests in one process; with --workers "
                f"{args.workers} each worker would remember only its own (use --workers 1)"
            )
        if args.record is not None:
            return f"--record appends from one process; with --workers {args.workers} use --workers 1"
    return None


def _open(args: argparse.Namespace, seed_it: bool) -> Storage:
    """The database, created or migrated; a new one (or one given --seed) gets the seed's objects."""
    seed = load_seed(args.seed or DEFAULT_SEED, default_contract())
    store = open_storage(args.db, durable=args.fsync, busy_timeout=args.db_busy_timeout)
    try:
        if seed_it and (store.is_new or args.seed is not None):
            store.add_seed(seed.objects, [(sid, functools.partial(class_document, doc)) for sid, doc in seed.classes])
    except BaseException:
        store.close()
        raise
    return store


def _listening_socket(host: str, port: int, shared_port: bool = False) -> socket.socket:
    # proto=IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP;
    # without it Nagle's algorithm plus the client's delayed ACK add ~40 ms to keep-alive requests.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared_port:  # one socket per worker on one port: the kernel spreads connections over them
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _error(message: object) -> int:
    print(f"oneroster-reference-server: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.token_ttl < 1:
        parser.error("--token-ttl must be at least 1 second")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be from 0 to 65535")
    if not args.client_id or not args.client_secret:
        parser.error("--client-id and --client-secret must not be empty")
    for name in ("head_timeout", "body_timeout", "keep_alive_timeout", "db_busy_timeout"):
        if not getattr(args, name) > 0:
            parser.error(f"--{name.replace('_', '-')} must be more than 0 seconds")
    if args.max_connections < 1 or args.max_in_flight < 1:
        parser.error("--max-connections and --max-in-flight must be at least 1")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    postgres = is_postgres_url(args.db)
    problem = _problem(args, postgres)
    if problem is not None:
        return _error(problem)
    if postgres:
        try:
            require_extra("postgres")
        except ExtraMissingError as error:
            return _error(f"--db postgresql://... needs the driver: {error}")
    if args.workers > 1:
        return _supervise(args, sys.argv[1:] if argv is None else argv)
    return _serve(args)


def _supervise(args: argparse.Namespace, argv: list[str]) -> int:
    """`--workers N`: open the database once, listen, start the workers and watch them."""
    try:
        apply_faults(_no_app, args.fault)  # an unknown name stops the supervisor, not N workers
        store = _open(args, seed_it=True)
        try:
            class_ids = store.class_ids()
        finally:
            store.close()
    except (SeedError, StorageError, DatabaseBusyError, UnknownFaultError) as error:
        return _error(error)
    sockets: list[socket.socket] = []
    try:
        for _ in range(args.workers):
            port = sockets[0].getsockname()[1] if sockets else args.port
            sockets.append(_listening_socket(args.host, port, shared_port=True))
            sockets[-1].listen(2048)
    except OSError as error:
        return _error(f"cannot listen on {args.host}:{args.port}: {error}")
    sock = sockets[0]
    pool = WorkerPool(worker_command(argv), sockets, sys.stdout, sys.stderr)
    try:
        pids = pool.start()
    except WorkerStartError as error:
        return _error(error)
    print(json.dumps({**_ready(args.host, sock, class_ids, _variant(args)), "workers": pids}), flush=True)
    return pool.run()


async def _no_app(scope: object, receive: object, send: object) -> None:
    """The app faults are checked against in the supervisor, which serves nothing itself."""


def _variant(args: argparse.Namespace) -> Variant:
    """The variant the options ask for (none of them: the reference server itself)."""
    return Variant(tuple(args.only), args.update_only, args.dialect, args.canned)


def _ready(host: str, sock: socket.socket, class_ids: list[str], variant: Variant) -> dict[str, object]:
    """The ready line: where to send requests, and the classes (and, for a variant that never creates
    results, the results) a client may update."""
    port = sock.getsockname()[1]
    where = f"[{host}]" if ":" in host else host
    base_url = f"http://{where}:{port}"
    ready: dict[str, object] = {
        "event": "ready",
        "base_url": base_url,
        "token_url": base_url + "/oauth2/token",
        "class_ids": class_ids if "updateClass" in variant.served else [],
    }
    if variant.refuses_create:
        ready["result_ids"] = list(SEEDED_RESULTS)
    return ready


def _serve(args: argparse.Namespace) -> int:
    """One server process: the whole server, or one worker of `--workers N` (`--worker-fds`)."""
    worker_fds = [int(fd) for fd in args.worker_fds.split(",")] if args.worker_fds else None
    try:
        store = _open(args, seed_it=worker_fds is None)  # the supervisor has seeded
    except (SeedError, StorageError, DatabaseBusyError) as error:
        return _error(error)
    contract = default_contract()  # the spec in use, loaded once for the whole server
    try:
        settings = ServerSettings(args.client_id, args.client_secret, args.token_ttl, args.db_busy_timeout)
        variant = _variant(args)
        # The reference app itself unless a variant reshapes it (see oneroster_kit.server.variants).
        reference = (
            VariantApp(store, settings, variant, contract=contract)
            if variant.reshapes_app
            else ReferenceApp(store, settings, contract=contract)
        )
        app = apply_dialect(apply_faults(reference, args.fault), variant)
    except (UnknownFaultError, StorageError, DatabaseBusyError) as error:
        store.close()
        return _error(error)
    if args.record is not None:
        from oneroster_kit.server.recording import Recorder

        try:
            app = Recorder(app, args.record, store.class_ids())
        except OSError as error:
            reference.close()
            store.close()
            return _error(f"cannot record to {args.record}: {error.strerror}")
    try:
        if worker_fds is not None:
            sock = socket.socket(fileno=worker_fds[0])
        else:
            sock = _listening_socket(args.host, args.port)
    except OSError as error:
        reference.close()
        store.close()
        return _error(f"cannot listen on {args.host}:{args.port}: {error}")
    ready = _ready(args.host, sock, store.class_ids(), variant)
    limits = ConnectionLimits(
        head_timeout=args.head_timeout,
        body_timeout=args.body_timeout,
        max_connections=_connection_cap(args.max_connections),
        max_in_flight=args.max_in_flight,
    )
    config = uvicorn.Config(
        app,
        lifespan="off",
        access_log=False,
        log_level="warning",
        # The client address is the socket's: uvicorn would otherwise take X-Forwarded-For from any
        # loopback peer, and a local guesser could name a new address per request past the throttle.
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        timeout_keep_alive=args.keep_alive_timeout,
        http=GuardedHttpProtocol.configured(limits),
        backlog=2048,
    )
    server = _GracefulServer(config)
    announce = (
        functools.partial(announce_ready, worker_fds[1], os.getpid())
        if worker_fds is not None
        else functools.partial(print, json.dumps(ready), flush=True)
    )
    try:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.get_loop().set_exception_handler(BoundedLoopLog(sys.stderr))
            runner.run(_run_server(server, sock, announce))
    finally:
        reference.close()
        store.close()
        writes = reference.writes
        if writes.groups:  # how well group commit grouped: benchmarks read this line
            print(
                f"database: {writes.writes} writes in {writes.groups} transactions "
                f"(mean group {writes.writes / writes.groups:.1f})",
                file=sys.stderr,
            )
    return 0


class _GracefulServer(uvicorn.Server):
    """uvicorn's server without re-raising the signal after the graceful shutdown (exit status 0)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop waiting for requests in progress
        self.should_exit = True


async def _run_server(server: uvicorn.Server, sock: socket.socket, ready: Callable[[], object]) -> None:
    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        ready()

    announcer = asyncio.create_task(announce())
    await server.serve(sockets=[sock])
    announcer.cancel()


if __name__ == "__main__":
    raise SystemExit(main())
