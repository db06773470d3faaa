"""The generated package was built from the spec in use (regenerate after any edit of openapi.yaml)."""

from __future__ import annotations

from oneroster_client import _spec

from oneroster_kit.spec import spec_sha256


def test_generated_client_records_the_hash_of_the_spec_in_use() -> None:
    assert spec_sha256() == _spec.SPEC_SHA256, "generated/ is stale: run `python scripts/regenerate.py`"
