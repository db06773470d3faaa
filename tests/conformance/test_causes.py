"""What to fix first: causes across the run, dialect apart from defect, one cause across checks (unit tests).

The end-to-end runs against real servers are in test_real_servers.py; these pin the rules on
hand-made documents, so each rule fails on its own when it breaks.
"""

from __future__ import annotations

from typing import Any

import pytest

from oneroster_kit.conformance.causes import blocking_findings, rank_causes
from oneroster_kit.conformance.dialect import BARE_RESULT, explains, recognise, same_enum_value
from oneroster_kit.conformance.observations import Observations, answer_digest, error_shape, success_shape

RESULT = {"status": "active", "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}}
RESULT |= {"scoreStatus": "fully graded", "scoreDate": "2026-11-20T14:30:00Z"}
CANNED = '{"result": {"sourcedId": "result-2026-alg1-quiz3-stu42", "status": "active", "scoreStatus": "fully graded"}}'


def _failure(
    check: str, message: str, *, operation: str = "putResult", status: int | None = None, response: str | None = None
) -> dict[str, Any]:
    return {
        "check": check,
        "operation": operation,
        "message": message,
        "rule": "",
        "input": None,
        "status": status,
        "response_digest": answer_digest(response) if response is not None else None,
    }


def _observed(record: list[tuple[str, str, Any, bool, int, str]]) -> dict[str, dict[str, Any]]:
    observations = Observations()
    for operation_id, path_id, body, authorized, status, text in record:
        observations.record(operation_id, path_id, body, authorized, status, text)
    return observations.summary()


def _put(rid: str, **changes: Any) -> dict[str, Any]:
    return {"result": {**RESULT, "sourcedId": rid, **changes}}


def _states(**served: bool) -> dict[str, dict[str, Any]]:
    labels = {"putResult": "PUT results", "updateClass": "PUT classes"}
    return {
        name: {"label": labels[name], "served": ok, "checked": True, "reason": "r", "creates": True, "hint": None}
        for name, ok in served.items()
    }


def test_every_answer_the_same_canned_body_is_one_blocking_cause_explaining_what_got_it() -> None:
    record = [("putResult", f"r{n}", _put(f"r{n}", score=n), True, 200, CANNED) for n in range(8)]
    record.append(("putResult", "r9", _put("r9"), False, 401, '{"imsx_codeMajor": "failure"}'))
    observed = _observed(record)
    findings = blocking_findings(observed, _states(putResult=True))
    (canned,) = [f for f in findings if f["key"] == "canned"]
    assert "8 answers to 8 different PUTs" in canned["title"] and "'result-2026-alg1-quiz3-stu42'" in canned["title"]
    document = {
        "failures": [
            _failure("result_echo", "result.score: sent 3, got 87.5", status=200, response=CANNED),
            _failure("auth_malformed_token", "answered 200, expected 401", status=200, response=CANNED),
            _failure("unsupported_method", "TRACE returned 405 without required `Allow` header", status=405),
        ],
        "diagnosis": {"blocking": findings, "dialect": []},
    }
    causes = rank_causes(document)
    assert [c.key for c in causes] == ["canned", "no-allow"]
    assert causes[0].checks == ["result_echo", "auth_malformed_token"] and causes[0].kind == "blocking"


def test_every_request_answered_200_is_detected_and_different_bodies_are_not_canned() -> None:
    record = [
        ("putResult", f"r{n}", _put(f"r{n}"), True, 200, f'{{"result": {{"sourcedId": "r{n}"}}}}') for n in range(20)
    ]
    record += [("putResult", "x", {"result": {}}, True, 200, '{"result": {"sourcedId": "x"}}') for _ in range(4)]
    findings = blocking_findings(_observed(record), _states(putResult=True))
    assert [f["key"] for f in findings] == ["all-status:200"]
    assert "even the 4 of 24 that must be refused" in findings[0]["title"]
    # the same answers, but the invalid bodies refused: nothing blocks
    record[-4:] = [("putResult", "x", {"result": {}}, True, 422, "{}")] * 4
    assert blocking_findings(_observed(record), _states(putResult=True)) == []


def test_answers_that_are_never_the_record_written_mean_nothing_is_stored() -> None:
    record = [
        ("putResult", f"r{n}", _put(f"r{n}"), True, 201, f'{{"result": {{"sourcedId": "other-{n}"}}}}')
        for n in range(6)
    ]
    keys = [f["key"] for f in blocking_findings(_observed(record), _states(putResult=True))]
    assert keys == ["unrelated:putResult"]
    # a class that forgets what was just written: the next empty update no longer holds it
    observations = Observations()
    for title in ("A", "B", "C"):
        observations.record(
            "updateClass", "c1", {"class": {"title": title}}, True, 200, f'{{"sourcedId": "c1", "title": "{title}"}}'
        )
        observations.record("updateClass", "c1", {"class": {}}, True, 200, '{"sourcedId": "c1", "title": "Original"}')
    found = blocking_findings(observations.summary(), _states(updateClass=True))
    assert "lost:updateClass" in [f["key"] for f in found]


def test_an_operation_not_served_and_results_not_created_are_blocking() -> None:
    states = _states(putResult=True, updateClass=False)
    states["putResult"]["creates"] = False
    findings = blocking_findings({}, states)
    assert [f["key"] for f in findings] == ["absent:updateClass", "no-create"]
    document = {
        "failures": [
            _failure("operation_served", "PUT classes: not served there", operation="updateClass", status=404),
            _failure("result_upsert", "the server refuses to create results on PUT: ...", status=404),
            _failure("result_echo", "result.score: sent 87.123, got 87.12", status=200),
        ],
        "diagnosis": {"blocking": findings, "dialect": []},
    }
    causes = rank_causes(document)
    assert [(c.kind, c.key) for c in causes] == [
        ("blocking", "absent:updateClass"),
        ("blocking", "no-create"),
        ("defect", "value:score"),
    ]


def test_one_cause_across_checks_whatever_the_wording() -> None:
    """ "a valid request was answered 404" (a probe) and "creating a new result answered 404" (a semantic
    check) are one cause; so are a score not echoed by echo, upsert and the round-trip probe."""
    document = {
        "failures": [
            _failure("result_replace", "PUT with every member: a valid request was answered 404: {}", status=404),
            _failure("result_upsert", "creating a new result answered 404, expected 201 (or 200)", status=404),
            _failure("value_round_trip", "number 0.1: result.score: sent 0.1, got 0.0", status=200),
            _failure(
                "result_echo",
                "result.score: sent 87.123, got 87.12; result.comment: sent 'x', not returned",
                status=200,
            ),
        ],
        "diagnosis": {"blocking": [], "dialect": []},
    }
    causes = {cause.key: cause for cause in rank_causes(document)}
    assert causes["refused-valid:404"].checks == ["result_replace", "result_upsert"]
    assert causes["value:score"].checks == ["value_round_trip", "result_echo"]
    assert causes["dropped:comment"].checks == ["result_echo"]  # the second problem of the same failure
    # each cause shows the words of the failure that show it, real values included
    echo = dict((group.check, example) for group, example in causes["value:score"].entries)
    assert echo["result_echo"] == "result.score: sent 87.123, got 87.12"


def test_dialect_traits_are_recognised_from_what_the_run_saw() -> None:
    record = [
        ("putResult", "r1", _put("r1"), True, 200, '{"sourcedId": "r1", "scoreStatus": "fully_graded"}'),
        ("putResult", "r2", _put("r2"), True, 404, '{"detail": "Result not found"}'),
        ("putResult", "r3", _put("r3"), True, 401, '{"detail": "Invalid authentication credentials"}'),
    ]
    observations = Observations()
    for entry in record:
        observations.record(*entry)
    observations.record_no_token("putResult", 403)
    traits = recognise(
        observations.summary(),
        [("putResult", "/ims/oneroster/v1p2/results/{sourcedId}", "/ims/oneroster/gradebook/v1p2/results/{sourcedId}")],
        "results:write classes:write",
    )
    keys = [t.key for t in traits]
    assert keys == ["path", "bare-result", "enum-spelling", "error-body", "no-token-403", "scope-names"]
    assert "'fully_graded' for 'fully graded'" in traits[2].title and traits[3].shape == "detail"
    flat = Observations()
    flat.record(
        "updateClass", "c", {"class": {}}, True, 404, '{"imsx_codeMajor": "failure", "imsx_codeMinor": "unknownobject"}'
    )
    assert [t.shape for t in recognise(flat.summary(), [], None)] == ["flat-imsx"]
    # the spec's own server shows none
    clean = Observations()
    clean.record("putResult", "r", _put("r"), True, 201, '{"result": {"sourcedId": "r"}}')
    assert (
        recognise(clean.summary(), [], " ".join(["https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput"]))
        == []
    )


def test_a_failure_of_dialect_only_goes_to_the_dialect_and_one_with_a_defect_to_the_defect_too() -> None:
    traits = [
        t.as_dict()
        for t in recognise(
            _observed([("putResult", "r", _put("r"), True, 200, '{"sourcedId": "r", "scoreStatus": "fully_graded"}')]),
            [],
            None,
        )
    ]
    document = {
        "failures": [
            _failure(
                "result_echo",
                f"{BARE_RESULT}; result.scoreStatus: sent 12 characters 'fully graded', "
                "got 12 characters 'fully_graded'",
                status=200,
            ),
            _failure(
                "result_upsert",
                f"{BARE_RESULT}; result.scoreStatus: sent 'fully graded', got 'fully_graded'; "
                "result.score: sent 87.5, got 88.0",
                status=200,
            ),
        ],
        "diagnosis": {"blocking": [], "dialect": traits},
    }
    causes = {cause.key: cause for cause in rank_causes(document)}
    assert causes["bare-result"].checks == ["result_echo", "result_upsert"]
    assert causes["enum-spelling"].kind == "dialect"
    assert causes["value:score"].checks == ["result_upsert"]  # only the failure with a defect of its own
    assert all(not key.startswith("own:") for key in causes)


@pytest.mark.parametrize(
    ("problem", "status", "trait", "expected"),
    [
        ("request without a token: answered 403, expected 401", 403, {"key": "no-token-403"}, True),
        ("request without a token: answered 200, expected 401", 200, {"key": "no-token-403"}, False),
        (
            "kind 'two-words': error body: (body): 'imsx_CodeMinor' is a required property",
            401,
            {"key": "error-body"},
            True,
        ),
        ("answered 200, expected 422; error body: x", 200, {"key": "error-body"}, False),  # an accepted request
        ("result.scoreStatus: sent 'fully graded', got 'FULLY_GRADED'", 200, {"key": "enum-spelling"}, True),
        ("result.scoreStatus: sent 'fully graded', got 'graded'", 200, {"key": "enum-spelling"}, False),
    ],
)
def test_explains_one_problem_at_a_time(problem: str, status: int, trait: dict[str, Any], expected: bool) -> None:
    check = "auth_missing_token" if "without a token" in problem else "result_echo"
    assert explains(trait, check, problem, status) is expected


def test_shapes_of_answers() -> None:
    assert error_shape({"detail": "Not Found"}) == "detail" and error_shape(None) == "not-json"
    assert error_shape({"imsx_codeMajor": "failure", "imsx_CodeMinor": {"imsx_codeMinorField": []}}) == "imsx"
    assert success_shape("putResult", {"result": {"sourcedId": "r"}}) == ("wrapped", {"sourcedId": "r"})
    assert success_shape("putResult", {"sourcedId": "r"}) == ("bare", {"sourcedId": "r"})
    assert success_shape("updateClass", {"sourcedId": "c"}) == ("bare", {"sourcedId": "c"})
    assert same_enum_value("fully graded", "fullyGraded") and not same_enum_value("exempt", "exempt")
