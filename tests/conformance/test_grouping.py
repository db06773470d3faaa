"""Failures group by check and cause; a group is shown by its own words, shortened at a boundary."""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.grouping import cause_of, clip, example_of, group_failures, wrap

IMSX = "error body: (body): 'imsx_codeMajor' is a required property"


def _failure(check: str, operation: str, message: str) -> dict[str, object]:
    return {"check": check, "operation": operation, "message": message, "input": None}


def test_cases_differing_only_in_values_and_exchange_share_a_cause() -> None:
    first = _failure(
        "auth_malformed_token", "putResult", f"kind 'two-words': {IMSX} [PUT http://h/r/conf-1 -> 401 {{}}]"
    )
    second = _failure("auth_malformed_token", "updateClass", f"kind 'basic-scheme': {IMSX} [PUT http://h/c/x -> 401 x]")
    assert cause_of(first) == cause_of(second) == f"kind '…': {IMSX}"
    (group,) = group_failures([first, second])
    assert group.operations == ["putResult", "updateClass"] and group.representative is first


def test_status_codes_stay_part_of_the_cause() -> None:
    a = _failure("class_unknown_404", "updateClass", "answered 200, expected 404")
    b = _failure("class_unknown_404", "updateClass", "answered 500, expected 404")
    assert len(group_failures([a, b])) == 2


def test_a_group_is_shown_by_its_representatives_values_not_its_key() -> None:
    """The grouping key hides values ('…', N); what a reader sees is the first failure's own words."""
    message = (
        "PUT to 'conformance-s1-id-1-Case-Mix' answered sourcedId 'result-2026-alg1-quiz3-stu42': ids differing only "
        "by letter case are one record [PUT http://h/r/x -> 200 {}]"
    )
    failure = _failure("id_distinct", "putResult", message)
    assert "'…'" in cause_of(failure)
    assert example_of(failure) == message.split(" [PUT")[0]
    failure["message"] = "a; b [first failing request: PUT http://h/x -> 404 {}]"
    assert example_of(failure) == "a; b"


ID_MESSAGE = (
    "ids differing only by letter case are one record: the first PUT to 'conformance-s1-id-1-Case-Mix' answered "
    "sourcedId 'result-2026-alg1-quiz3-stu42' (look-alikes written: ['conformance-s1-id-1-case-mix', 'x']); more"
)


@pytest.mark.parametrize("width", range(20, 190, 7))
def test_clip_fits_the_width_and_never_cuts_inside_a_quoted_value(width: int) -> None:
    for text in (
        ID_MESSAGE,
        "number full double precision 0.1 (0.1): result.metadata.number: sent 0.1, not returned; got None",
        "Schema-violating request accepted: Invalid data should have been rejected",
    ):
        shown = clip(text, width)
        assert len(shown) <= width or " " not in text[:width], (width, shown)
        if shown != text:
            assert shown.endswith(" …")
            kept = shown.removesuffix(" …")
            assert text.startswith(kept) and kept.count("'") % 2 == 0, shown  # whole quoted values only
            assert not kept.endswith(("sent an", "got Non")) and text[len(kept)] in " ;,", shown


def test_clip_prefers_a_boundary_between_problems_and_keeps_real_values() -> None:
    text = "result.score: sent 87.5, got 88.0; result.comment: sent 'Good work', not returned"
    assert clip(text, 45) == "result.score: sent 87.5, got 88.0 …"
    assert clip(ID_MESSAGE, 160).endswith("answered sourcedId 'result-2026-alg1-quiz3-stu42' …")
    assert clip("short", 10) == "short"


def test_wrap_breaks_between_words_and_clips_the_last_line() -> None:
    lines = wrap("one two three four five six seven eight", 16, "   ", "1. ", lines=2)
    assert lines[0] == "1. one two three" and lines[1].startswith("   four") and all(len(line) <= 16 for line in lines)
