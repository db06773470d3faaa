"""Benchmark: sustained result PUTs/s and p50/p99 latency of the reference server, against a ceiling.

The ceiling is a minimal Starlette handler that only echoes the body, served by uvicorn exactly as
the reference server is (own process, h11, no access log). Both are driven in the same run, in
alternating rounds, by the generated async client (`put_result.asyncio_detailed` with an
`AuthenticatedClient`) at concurrency 1 and 16, so that the ratio reference/echo is meaningful
on a noisy machine. The reference server does all its real work: token check, validation against
openapi.yaml, an SQLite transaction per write, one log line per request (to a file).

    python scripts/bench_server.py [--duration 4] [--rounds 2] [--min-ratio 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from oneroster_client.api.gradebook import put_result
from oneroster_client.client import AuthenticatedClient
from oneroster_client.models import PutResultRequest

from oneroster_kit.server.process import ReferenceServer

RESULT = {
    "status": "active",
    # Sent so that the echo's answer also parses as a stored Result; the reference server ignores it.
    "dateLastModified": "2026-11-20T14:30:00.123Z",
    "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
    "student": {"sourcedId": "student-42"},
    "class": {"sourcedId": "class-alg1-p1"},
    "scoreScale": None,
    "scoreStatus": "fully graded",
    "score": 87.5,
    "textScore": "B+",
    "scoreDate": "2026-11-20T14:30:00Z",
    "comment": "Good work on factoring.",
    "metadata": {"attempt": 1},
    "learningObjectiveSet": [
        {
            "source": "unknown",
            "learningObjectiveResults": [{"learningObjectiveId": "lo-factoring", "score": 90, "textScore": "Good"}],
        }
    ],
    "inProgress": "false",
    "incomplete": "false",
    "late": "false",
    "missing": "false",
}


def serve_echo(port_file: str) -> None:
    """The ceiling: one Starlette route that answers 201 with the request body, under uvicorn."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def echo(request: Request) -> Response:
        return Response(await request.body(), 201, media_type="application/json")

    app = Starlette(routes=[Route("/ims/oneroster/gradebook/v1p2/results/{sourcedId}", echo, methods=["PUT"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # as the reference server
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(app, lifespan="off", access_log=False, log_level="warning")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


@dataclass
class Sample:
    requests: int = 0
    seconds: float = 0.0
    failures: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def _client(base_url: str, token: str) -> AuthenticatedClient:
    # TCP_NODELAY on the client side too (httpx's async backend relies on asyncio's default).
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
    return AuthenticatedClient(
        base_url=base_url, token=token, httpx_args={"transport": transport}, timeout=httpx.Timeout(30.0)
    )


async def drive(base_url: str, token: str, concurrency: int, duration: float, warmup: float, into: Sample) -> None:
    """`concurrency` workers, each with its own client and keep-alive connection, PUT results in a loop.

    One client per worker: httpx's shared async pool costs more CPU per request as connections are
    added, which would make the client, not the servers, the thing measured.
    """
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration

    async def worker(number: int) -> None:
        async with _client(base_url, token) as client:
            i = 0
            while True:
                sourced_id = f"bench-{number}-{i % 50}"
                body = PutResultRequest.from_dict({"result": {**RESULT, "sourcedId": sourced_id}})
                began = time.perf_counter()
                if began >= stop_at:
                    return
                response = await put_result.asyncio_detailed(sourced_id, client=client, body=body)
                ended = time.perf_counter()
                if began >= measure_from:
                    into.requests += 1
                    into.latencies.append(ended - began)
                    if response.status_code != 201:
                        into.failures += 1
                i += 1

    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    into.seconds += stop_at - measure_from


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=4.0, help="measured seconds per round (default 4)")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds at the start of each round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per target and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--min-ratio", type=float, help="exit 1 if reference/echo at the top concurrency is lower")
    parser.add_argument("--serve-echo", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return 0

    with tempfile.TemporaryDirectory() as workdir, ReferenceServer() as reference:
        port_file = Path(workdir) / "echo.port"
        echo = subprocess.Popen([sys.executable, __file__, "--serve-echo", str(port_file)])
        try:
            while not port_file.exists() or not port_file.read_text():
                if echo.poll() is not None:
                    raise SystemExit("the echo server did not start")
                time.sleep(0.02)
            echo_url = f"http://127.0.0.1:{port_file.read_text()}"
            _wait_listening(echo_url)
            token = httpx.post(
                reference.token_url,
                data={"grant_type": "client_credentials"},
                auth=(reference.client_id, reference.client_secret),
            ).json()["access_token"]
            targets = {"echo (ceiling)": echo_url, "reference": reference.base_url}
            samples = {(name, c): Sample() for name in targets for c in args.concurrency}
            for concurrency in args.concurrency:
                for _ in range(args.rounds):
                    for name, url in targets.items():
                        sample = samples[(name, concurrency)]
                        asyncio.run(drive(url, token, concurrency, args.duration, args.warmup, sample))
        finally:
            echo.terminate()
            echo.wait(10)
        log_lines = reference.log_text().count("\n")

    print(f"{'target':<16}{'conc':>5}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'non-201':>9}")
    for (name, concurrency), sample in samples.items():
        print(
            f"{name:<16}{concurrency:>5}{sample.rate:>10.0f}{sample.percentile(0.5):>9.2f}"
            f"{sample.percentile(0.99):>9.2f}{sample.requests:>10}{sample.failures:>9}"
        )
    ratios = {c: samples[("reference", c)].rate / samples[("echo (ceiling)", c)].rate for c in args.concurrency}
    for concurrency, ratio in ratios.items():
        print(f"ratio reference/echo at concurrency {concurrency}: {ratio:.2f}")
    print(json.dumps({"ratios": ratios, "reference_log_lines": log_lines}))
    failures = sum(sample.failures for sample in samples.values())
    if failures:
        print(f"FAIL: {failures} answers were not 201", file=sys.stderr)
        return 1
    top = max(args.concurrency)
    if args.min_ratio is not None and ratios[top] < args.min_ratio:
        print(f"FAIL: ratio at concurrency {top} is {ratios[top]:.2f} < {args.min_ratio}", file=sys.stderr)
        return 1
    return 0


def _wait_listening(base_url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(base_url + "/")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit(f"{base_url} is not answering")


if __name__ == "__main__":
    raise SystemExit(main())
