"""A token lacking putResult's scope: the one-line usage error names both accepted scope names.

Spec 1.1.0 accepts TimeBack's v1p1 or OneRoster 1.2's v1p2 name for putResult (alternative
security requirements), so the fix to suggest is either one, not both.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer
from tests.conformance.conftest import run_cli


def test_the_missing_scope_message_offers_either_name(tmp_path: Path) -> None:
    roster = operation("updateClass").scopes[0]
    v1p1, v1p2 = operation("putResult").scopes
    with ReferenceServer() as server:
        form = {"grant_type": "client_credentials", "client_id": server.client_id, "scope": roster}
        answer = httpx.post(server.token_url, data={**form, "client_secret": server.client_secret})
        token = answer.json()["access_token"]
        args = ["--base-url", server.base_url, "--token", token, "--class-id", server.class_ids[0]]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONEROSTER_")}
        run = run_cli(args, tmp_path, env=env)
    assert run.code == 2, run.explain()
    line = run.stderr.strip().splitlines()[-1]
    assert "lacks the scope of putResult (403)" in line, line
    assert f"grant it: {v1p1} or {v1p2}" in line, line
