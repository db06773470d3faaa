"""--path, --result-id and the preflight's comparisons (unit tests: nothing is sent)."""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.auth import StaticToken
from oneroster_kit.conformance.options import parse_options
from oneroster_kit.conformance.paths import PathMap
from oneroster_kit.conformance.preflight import minimal_result, not_served, operations_needed
from oneroster_kit.conformance.target import LiveExchange, Target, UnsafeWriteError
from oneroster_kit.contract import operation
from oneroster_kit.path_templates import PathError, parse_path_option, service_segment_dropped
from oneroster_kit.usage import UsageError

FOREIGN = "/ims/oneroster/v1p2/results/{sourcedId}"


def test_a_path_option_names_an_operation_and_a_plain_template() -> None:
    assert parse_path_option(f"putResult={FOREIGN}") == ("putResult", FOREIGN)
    for bad, why in [
        ("putResult", "OPERATION=TEMPLATE"),
        (f"getResult={FOREIGN}", "not an operation"),
        ("putResult=ims/results/{sourcedId}", "start with /"),
        ("putResult=/results/{id}", "exactly one segment {sourcedId}"),
        ("putResult=/results/{sourcedId}/{sourcedId}", "exactly one"),
        ("putResult=/a/../results/{sourcedId}", "not a plain path segment"),
        ("putResult=/results/{sourcedId}?x=1", "exactly one"),
        ("putResult=/results/x?y/{sourcedId}", "not a plain path segment"),
    ]:
        with pytest.raises(PathError, match=why.replace("{", r"\{").replace("}", r"\}")):
            parse_path_option(bad)


def test_every_url_goes_where_the_operation_is_served() -> None:
    paths = PathMap.of([("putResult", FOREIGN)])
    assert paths.url("http://h/api", "putResult", "a/b c") == "http://h/api/ims/oneroster/v1p2/results/a%2Fb%20c"
    assert paths.template("updateClass") == operation("updateClass").path
    spec_url = "http://h/api/ims/oneroster/gradebook/v1p2/results/x%20y?q=1"
    assert paths.rewrite(spec_url) == "http://h/api/ims/oneroster/v1p2/results/x%20y?q=1"
    assert (
        paths.rewrite("http://h/ims/oneroster/rostering/v1p2/classes/c")
        == "http://h/ims/oneroster/rostering/v1p2/classes/c"
    )
    assert "v1p2/results/r1' " in paths.rewrite_text("curl -X PUT 'http://h/ims/oneroster/gradebook/v1p2/results/r1' ")
    assert PathMap.of([("putResult", operation("putResult").path)]).overrides == {}  # the spec's own path
    assert service_segment_dropped(operation("putResult").path) == FOREIGN


def test_path_and_result_id_options() -> None:
    base = ["--base-url", "http://h", "--token", "t"]
    options = parse_options(
        [*base, "--path", f"putResult={FOREIGN}", "--result-id", "r1,r2", "--result-id", "r3"], env={}
    )
    assert options.paths == (("putResult", FOREIGN),) and options.result_ids == ("r1", "r2", "r3")
    assert parse_options(base, env={"ONEROSTER_RESULT_IDS": "a, b"}).result_ids == ("a", "b")
    with pytest.raises(UsageError, match="more than once"):
        parse_options([*base, "--path", f"putResult={FOREIGN}", "--path", f"putResult={FOREIGN}"], env={})
    with pytest.raises(UsageError, match="describe a remote target"):
        parse_options(["--result-id", "r1"], env={})
    assert operations_needed(("result_echo",)) == {"putResult"}
    assert operations_needed(()) == {"putResult", "updateClass"}


def test_named_results_pass_the_safe_writes_gate_and_nothing_else_does() -> None:
    target = Target("http://h", StaticToken("t"), (), "conformance-x-", remote=True, result_ids=("existing-1",))
    target.permit("putResult", "existing-1")
    target.permit("putResult", "conformance-x-any")
    with pytest.raises(UnsafeWriteError, match="or the named"):
        target.permit("putResult", "existing-2")
    assert any("named results (--result-id): existing-1" in line for line in target.plan())
    body = minimal_result("existing-1")
    assert operation("putResult").request_validator.is_valid(body)
    assert set(body["result"]) == {"sourcedId", *operation("putResult").body_schema["required"]}


def _answer(status: int, text: str, url: str) -> LiveExchange:
    return LiveExchange("putResult", "PUT", url, {}, None, status, {}, text)


def test_a_404_is_not_served_when_it_is_the_answer_to_a_path_the_server_does_not_serve() -> None:
    base = "http://h/ims/oneroster/gradebook/v1p2"
    unserved = _answer(404, '{"detail": "Not Found"}', f"{base}/conformance-x-no-such-path/conformance-x-preflight")
    assert not_served(
        _answer(404, '{"detail": "Not Found"}', f"{base}/results/r1"), unserved, "r1", "conformance-x-preflight"
    )
    assert not not_served(_answer(404, '{"detail": "Result not found"}', f"{base}/results/r1"), unserved, "r1", "p")
    # the reference server's own imsx "no such path" names the path: the path and id are set aside
    imsx = '{{"imsx_codeMajor": "failure", "imsx_description": "No operation at {}."}}'
    unserved_imsx = _answer(
        404, imsx.format("/api/x/conformance-x-preflight"), "http://h/api/x/conformance-x-preflight"
    )
    answer = _answer(404, imsx.format("/api/ims/results/r1"), "http://h/api/ims/results/r1")
    assert not_served(answer, unserved_imsx, "r1", "conformance-x-preflight")
    # an unknown object that names its id is the operation answering
    named = _answer(404, imsx.replace("No operation at {}.", "Class not found: 'r1'.").format(), "http://h/c/r1")
    assert not not_served(named, None, "r1", "p")
    assert not not_served(_answer(201, "{}", "http://h/r1"), unserved, "r1", "p")
