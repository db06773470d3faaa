"""The smallest request body that still fails the same way (delta debugging by removing members).

Schemathesis reports the case it failed on, often a 20-field body in which one field matters.
For a failure of a valid (positive) case, this removes members one at a time, largest subtrees
first, keeping each removal after which the body is still valid for the operation and the same
failure (same schemathesis failure class and title) still occurs; a bounded number of requests.
Invalid (negative) cases are not minimized: removing a member could remove what makes them
invalid while the check would still treat them as invalid.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["MAX_TRIALS", "member_paths", "smallest_failing"]

MAX_TRIALS = 40  # requests one minimization may send

Path = tuple[str, ...]


def member_paths(body: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every object member of a JSON document, outer members before the members inside them."""
    if not isinstance(body, dict):
        return
    for name in body:
        yield (*prefix, name)
    for name, value in body.items():
        yield from member_paths(value, (*prefix, name))


def _without(body: Any, path: Path) -> Any | None:
    """A copy of body without the member at path (None when the path no longer exists)."""
    trimmed = copy.deepcopy(body)
    node = trimmed
    for name in path[:-1]:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    if not isinstance(node, dict) or path[-1] not in node:
        return None
    del node[path[-1]]
    return trimmed


def smallest_failing(
    body: Any,
    still_fails: Callable[[Any], bool],
    is_valid: Callable[[Any], bool],
    max_trials: int = MAX_TRIALS,
) -> Any:
    """Greedy one-member removal: the smallest body found within `max_trials` calls of `still_fails`."""
    current = copy.deepcopy(body)
    trials = 0
    progress = True
    while progress and trials < max_trials:
        progress = False
        for path in list(member_paths(current)):
            if trials >= max_trials:
                break
            candidate = _without(current, path)
            if candidate is None or not is_valid(candidate):
                continue
            trials += 1
            if still_fails(candidate):
                current = candidate
                progress = True
                break  # paths changed: walk the smaller body again
    return current
