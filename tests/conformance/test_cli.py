"""The command end to end: a correct server passes, set-up errors are one line with exit 2."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import httpx

from oneroster_kit.conformance.auth import fetch_token
from oneroster_kit.server.process import ReferenceServer
from tests.conformance.conftest import run_cli, target_args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _assert_usage_error(run_code: int, stderr: str, *fragments: str) -> None:
    assert run_code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ONEROSTER_")}


_REQUEST_LINE = re.compile(r" (GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE|QUERY) (\S+) (\d{3}) ")


def _classes(server: ReferenceServer) -> dict[str, dict[str, object]]:
    """Each class as the server has it (an empty partial update changes nothing but dateLastModified)."""
    token = fetch_token(server.token_url, server.client_id, server.client_secret).access_token
    found = {}
    for class_id in server.class_ids:
        response = httpx.put(
            f"{server.base_url}/ims/oneroster/rostering/v1p2/classes/{class_id}",
            json={"class": {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        found[class_id] = {k: v for k, v in response.json().items() if k != "dateLastModified"}
    return found


def test_correct_server_conforms_and_reports(tmp_path: Path) -> None:
    with ReferenceServer() as server:
        before = _classes(server)
        run = run_cli([*target_args(server), "--seed", "11"], tmp_path / "report", env=_clean_env())
        log = server.log_text()
        after = _classes(server)
    assert run.code == 0, run.explain()
    # The classes the run updated are put back as they were (fields present before the run).
    for class_id, values in before.items():
        assert {k: after[class_id].get(k) for k in values} == values, class_id
    # Safety, from the server's own request log: only PUTs reach the given classes, and every result
    # written has the run's prefix.
    requests = _REQUEST_LINE.findall(log)
    assert len(requests) > 500
    for method, path, status in requests:
        if "/rostering/v1p2/classes/" in path and any(path.endswith("/" + c) for c in server.class_ids):
            assert method == "PUT", (method, path)
        if "/gradebook/v1p2/results/" in path and status.startswith("2"):
            assert path.split("/results/", 1)[1].startswith("conformance-s11-"), path
    result = run.result
    assert result["verdict"] == "conforms" and result["failures"] == []
    assert result["tests"]["failed"] == 0 and result["tests"]["passed"] > 10
    assert result["run"]["test_cases"]["schemathesis"] > 100
    prefix = result["writes"]["result_prefix"]
    assert prefix == "conformance-s11-"
    assert result["writes"]["results"] and all(r.startswith(prefix) for r in result["writes"]["results"])
    assert set(result["writes"]["classes_updated"]) <= set(server.class_ids)
    assert any("restored" in note for note in result["writes"]["class_restore"])
    assert (run.report_dir / "junit.xml").read_text().startswith("<?xml")
    assert "**Verdict: conforms**" in run.summary


def test_same_seed_repeats_the_run(tmp_path: Path) -> None:
    """Two fresh servers, the same seed: the very same requests, in order (fingerprint over method, path
    and body of every request sent); another seed: other requests."""
    runs = []
    for index, seed in enumerate(("5", "5", "6")):
        with ReferenceServer() as server:
            args = [*target_args(server), "--seed", seed, "--max-examples", "10"]
            args += ["--check", "schemathesis", "--check", "result_echo"]
            run = run_cli(args, tmp_path / f"r{index}", env=_clean_env())
        assert run.code == 0, run.explain()
        runs.append(run.result)
    first, again, other = runs
    assert first["run"]["request_fingerprint"] == again["run"]["request_fingerprint"]
    assert first["writes"]["results"] == again["writes"]["results"]
    assert first["run"]["test_cases"] == again["run"]["test_cases"]
    assert other["run"]["request_fingerprint"] != first["run"]["request_fingerprint"]
    other_ids = {r.replace("conformance-s6-", "") for r in other["writes"]["results"]}
    assert {r.replace("conformance-s5-", "") for r in first["writes"]["results"]} != other_ids


def test_unreachable_url_is_a_usage_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    run = run_cli(["--base-url", url, "--token", "t", "--class-id", "c1"], tmp_path, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "cannot reach", url)


def test_rejected_credentials_are_a_usage_error(tmp_path: Path) -> None:
    with ReferenceServer() as server:
        args = [
            a if not a.startswith("--client-secret=") else "--client-secret=wrong-secret" for a in target_args(server)
        ]
        run = run_cli(args, tmp_path, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "credentials rejected", "401")


def test_rejected_token_is_a_usage_error(tmp_path: Path) -> None:
    with ReferenceServer() as server:
        args = ["--base-url", server.base_url, "--token", "not-a-token", "--class-id", server.class_ids[0]]
        run = run_cli(args, tmp_path, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "rejected the token", "--token")


def test_unknown_class_id_is_a_usage_error(tmp_path: Path) -> None:
    with ReferenceServer() as server:
        args = [*target_args(server), "--class-id", "no-such-class"]
        run = run_cli(args, tmp_path, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "'no-such-class' does not exist")


def test_class_checks_without_class_ids_are_a_usage_error(tmp_path: Path) -> None:
    """--class-id is needed only when class checks run: asked for by name without one, a usage error; with
    the default checks the class checks are skipped (tests/conformance/test_real_servers.py)."""
    env = {**_clean_env(), "ONEROSTER_BASE_URL": "http://127.0.0.1:9", "ONEROSTER_TOKEN": "t"}
    run = run_cli(["--check", "class_merge", "--check", "result_echo"], tmp_path, env=env)
    _assert_usage_error(run.code, run.stderr, "--check class_merge", "--class-id", "ONEROSTER_CLASS_IDS")
    run = run_cli(["--check", "result_echo"], tmp_path / "results-only", env=env)
    _assert_usage_error(run.code, run.stderr, "cannot reach")  # past the options: no class id was needed


def test_remote_target_without_credentials_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(["--base-url", "http://127.0.0.1:9", "--class-id", "c"], tmp_path, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "--token", "--client-id")


def test_tokens_are_renewed_when_they_expire(tmp_path: Path) -> None:
    """Tokens of 3 s on a run of several seconds: the suite renews them and still passes."""
    with ReferenceServer(token_ttl=3) as server:
        args = [*target_args(server), "--seed", "13", "--max-examples", "10"]
        args += ["--check", "schemathesis", "--check", "result_echo", "--check", "class_merge"]
        run = run_cli(args, tmp_path / "report", env=_clean_env())
        issued = server.log_text().count("POST /oauth2/token 200")
    assert run.code == 0, run.explain()
    assert run.result["run"]["duration_s"] > 3
    assert issued >= 2, f"only {issued} token(s) issued in a run longer than the token lifetime"


def test_a_fixed_token_expiring_mid_run_is_a_usage_error(tmp_path: Path) -> None:
    # long enough for the command to start and pass its preflight on a loaded machine, shorter than the run
    with ReferenceServer(token_ttl=4) as server:
        token = fetch_token(server.token_url, server.client_id, server.client_secret).access_token
        args = ["--base-url", server.base_url, "--token", token, "--class-id", server.class_ids[0], "--seed", "3"]
        args += ["--max-examples", "10", "--check", "schemathesis", "--check", "class_merge"]
        run = run_cli(args, tmp_path / "report", env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "--token", "expired")
    assert run.result["verdict"] == "error" and "by the end of the run" in run.stderr
