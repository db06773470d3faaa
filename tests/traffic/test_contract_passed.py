"""The traffic checker judges by the contract it is given, not the spec in use (a LoadedSpec-style argument)."""

from __future__ import annotations

import json
from pathlib import Path

from oneroster_kit.contract import default_contract, load_contract
from oneroster_kit.spec import spec_path
from oneroster_kit.traffic.checker import TrafficOptions, check_traffic
from tests.support.synthetic_traffic import traffic_lines


def test_a_contract_with_another_path_is_the_one_the_traffic_is_matched_to(tmp_path: Path) -> None:
    moved = tmp_path / "openapi.yaml"
    moved.write_text(spec_path().read_text(encoding="utf-8").replace("/v1p2/results/", "/v1p2/scores/"))
    contract = load_contract(moved)
    assert contract.operation("putResult").path.endswith("/scores/{sourcedId}")
    assert load_contract(moved) is contract  # loaded once per file version

    records = [r for r in traffic_lines(40, resources=10) if "/results/" in r["request"]["url"]][:5]
    recording = tmp_path / "moved.ndjson"
    recording.write_text(
        "".join(
            json.dumps({**r, "request": {**r["request"], "url": r["request"]["url"].replace("/results/", "/scores/")}})
            + "\n"
            for r in records
        )
    )
    options = TrafficOptions(files=(recording,), base_url="https://api.example.org")
    given = check_traffic(options, contract)
    assert given["exchanges"]["checked"] == len(records) and given["exchanges"]["undocumented"] == 0
    assert given["spec_sha256"] == contract.sha256 != default_contract().sha256
    # the spec in use has no such path: the same recording is undocumented there
    ambient = check_traffic(options)
    assert ambient["exchanges"]["checked"] == 0 and ambient["exchanges"]["undocumented"] == len(records)
