"""Interop driver for PyPI `timeback-oneroster` 0.4.0 (async, Python >= 3.12): run inside its venv.

It uses the library's public client as documented (`OneRosterClient(base_url=..., auth_url=...,
client_id=..., client_secret=...)`, then `results.upsert` / `results.update` and `classes.update`).
The library fetches its token with HTTP Basic and no `scope`. Prints one JSON line per call.

Usage: python driver_timeback_oneroster.py --base-url URL --token-url URL --client-id ID
       --client-secret S --class-id C --result-id R
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from interop_wire import Recorder

CLIENT = "timeback-oneroster 0.4.0"


async def run(args: argparse.Namespace, recorder: Recorder) -> None:
    from timeback_oneroster import OneRosterClient

    client = OneRosterClient(
        base_url=args.base_url,
        auth_url=args.token_url,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )

    def result(score: float) -> dict[str, Any]:
        return {
            "status": "active",
            "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
            "student": {"sourcedId": "student-42"},
            "scoreStatus": "fully graded",
            "score": score,
            "scoreDate": "2026-11-20T14:30:00Z",
        }

    calls: list[tuple[str, Any]] = [
        ("results.upsert (create)", lambda: client.results.upsert(args.result_id, result(87.5))),
        ("results.update (update)", lambda: client.results.update(args.result_id, result(91.0))),
        ("results.upsert (update)", lambda: client.results.upsert(args.result_id, result(93.0))),
        ("classes.update (title)", lambda: client.classes.update(args.class_id, {"title": "Algebra I (tbor)"})),
        ("classes.update (grades)", lambda: client.classes.update(args.class_id, {"grades": ["9", "10"]})),
    ]
    try:
        for name, call in calls:
            record = recorder.start(name)
            try:
                recorder.accepted(record, await call())
            except Exception as error:
                recorder.refused(record, error)
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--base-url", "--token-url", "--client-id", "--client-secret", "--class-id", "--result-id"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    asyncio.run(run(args, Recorder(CLIENT)))


if __name__ == "__main__":
    main()
