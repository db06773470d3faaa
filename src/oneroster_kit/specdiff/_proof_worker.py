"""Run in a child process by `sdk_proof`: parse REVISION's answers with the BASE generated SDK.

The child is started with `ONEROSTER_SPEC` naming the REVISION spec (so the project's strategies
draw answers from it) and the BASE SDK first on `sys.path` (so `import oneroster_client` is the
BASE SDK). For each operation and documented JSON status of REVISION it searches, with
hypothesis's `find`, for an answer the BASE SDK's own response parser (`_parse_response` of the
generated endpoint module, what a deployed SDK runs) cannot read; `find` shrinks it to a minimal
example. Only the (operation, status) pairs the parent names are searched (those whose answers
changed); hypothesis's own shrinking is skipped for time, and the example is made small by
dropping members one at a time while it stays valid for REVISION and still breaks the BASE SDK.
Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import random
import re
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _endpoint_modules(package: ModuleType) -> dict[str, ModuleType]:
    api = importlib.import_module(f"{package.__name__}.api")
    found: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        module = importlib.import_module(info.name)
        if hasattr(module, "_parse_response"):
            found[info.name.rsplit(".", 1)[1]] = module
    return found


def _parse(module: ModuleType, status: int, body: Any) -> str | None:
    """None when the BASE SDK reads the answer; else what went wrong."""
    import httpx

    client_module = importlib.import_module(module.__name__.split(".")[0] + ".client")
    client = client_module.Client(base_url="http://127.0.0.1", raise_on_unexpected_status=True)
    response = httpx.Response(status, json=body)
    errors = importlib.import_module(module.__name__.split(".")[0] + ".errors")
    try:
        parsed = module._parse_response(client=client, response=response)
    except errors.UnexpectedStatus as exc:
        # An error status BASE did not document is still an error to the SDK layer (APIStatusError
        # with the raw body); only a success status it cannot read is a break.
        return None if status >= 300 else f"UnexpectedStatus: {str(exc)[:300]}"
    except Exception as exc:  # the finding itself: whatever the BASE SDK raises on this answer
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    if parsed is None and status < 300:
        return "the BASE SDK returns None for this success status (undocumented in BASE)"
    return None


def _candidates(value: Any) -> list[Any]:
    """Copies of `value` with one member or item dropped, anywhere in it."""
    found: list[Any] = []
    if isinstance(value, dict):
        for key in value:
            found.append({k: v for k, v in value.items() if k != key})
            found += [{**value, key: smaller} for smaller in _candidates(value[key])]
    elif isinstance(value, list):
        for index in range(len(value)):
            found.append(value[:index] + value[index + 1 :])
            found += [[*value[:index], smaller, *value[index + 1 :]] for smaller in _candidates(value[index])]
    return found


def _smaller(example: Any, keeps_failing: Any) -> Any:
    """Greedy: drop members while the example stays valid and still breaks (at most 200 tries)."""
    tries = 0
    improved = True
    while improved and tries < 200:
        improved = False
        for candidate in _candidates(example):
            tries += 1
            if keeps_failing(candidate):
                example, improved = candidate, True
                break
            if tries >= 200:
                break
    return example


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-sdk", type=Path, required=True)
    parser.add_argument("--target", action="append", default=[], help="OPERATION:STATUS to search")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import oneroster_client
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    if Path(oneroster_client.__file__).resolve().parent.parent != args.base_sdk.resolve():
        raise SystemExit(f"oneroster_client was imported from {oneroster_client.__file__}, not the BASE SDK")
    from oneroster_kit import strategies  # the installed kit's, so a wheel needs no checkout
    from oneroster_kit.contract import operations

    modules = _endpoint_modules(oneroster_client)
    budget = settings(
        max_examples=args.examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    targets = {(op, int(status)) for op, _, status in (t.rpartition(":") for t in args.target)}
    report: dict[str, Any] = {"checked": [], "failures": [], "skipped": []}
    for op in operations().values():
        module = modules.get(_snake(op.operation_id))
        if module is None:
            report["skipped"].append(f"{op.operation_id}: not in the BASE SDK")
            continue
        for status in op.documented_statuses:
            if (op.operation_id, status) not in targets:
                continue
            try:
                bodies = strategies.response_bodies(op.operation_id, status)
            except KeyError:
                continue  # no JSON body for this status
            report["checked"].append({"operation": op.operation_id, "status": status})

            def breaks(body: Any, module: ModuleType = module, status: int = status) -> bool:
                return _parse(module, status, body) is not None

            try:
                example = find(bodies, breaks, settings=budget, random=random.Random(args.seed))
            except NoSuchExample:
                continue
            validator = op.response_validator(status)

            def still_breaks(body: Any, validator: Any = validator, breaks: Any = breaks) -> bool:
                return validator is not None and validator.is_valid(body) and breaks(body)

            example = _smaller(example, still_breaks)
            report["failures"].append(
                {
                    "operation": op.operation_id,
                    "status": status,
                    "example": example,
                    "error": _parse(module, status, example),
                }
            )
    json.dump(report, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
