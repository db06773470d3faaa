"""The README's SDK example, run as written against the reference server with real OAuth2.

`EXAMPLE` is the exact text of the README block; the environment variables it reads point at a
reference server on loopback (they override the `Environment.STAGING` preset, as documented).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oneroster_kit.server.process import ReferenceServer

pytestmark = pytest.mark.timeout(120)

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- sdk-example: tests/sdk/test_readme_example.py -->"

EXAMPLE = """\
from oneroster_kit.sdk import (
    APIConnectionError, APIStatusError, AuthenticationError, Environment, NotFoundError,
    OneRosterClient, RateLimitError, RequestValidationError, ResponseValidationError,
)

# Reads ONEROSTER_CLIENT_ID and ONEROSTER_CLIENT_SECRET; ONEROSTER_BASE_URL and
# ONEROSTER_TOKEN_URL, when set, override the preset (e.g. for a local reference server).
with OneRosterClient.from_env(Environment.STAGING) as client:
    result = client.put_result("result-2026-alg1-quiz3-stu42", {
        "status": "active",
        "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
        "student": {"sourcedId": "student-42"},
        "scoreStatus": "fully graded",
        "score": 87.5,
        "scoreDate": "2026-11-20T14:30:00Z",
    })
    print("stored", result.sourced_id, result.score, result.date_last_modified.isoformat())

    updated = client.update_class("class-alg1-p1", {"title": "Algebra I - Period 1"}, timeout=10)
    print("class", updated.sourced_id, updated.title)

    try:
        client.update_class("class-does-not-exist", {"title": "x"})
    except NotFoundError as error:           # one class per status: 400 401 403 404 413 422 429 5xx
        print("not found", error.status_code, error.code_minor, error.request_id)
    except RateLimitError as error:          # still 429 after the retries
        print("retry after", error.retry_after)
    except APIStatusError as error:          # any other non-2xx: status_code, body (imsx), request_id
        print("failed", error.status_code, error.body, error.request_id)
    except RequestValidationError as error:  # refused before sending: sourcedId mismatch, strict mode
        print("not sent", error)
    except ResponseValidationError as error: # a 2xx body that breaks openapi.yaml
        print("bad answer", error.operation_id, error.fields)
    except AuthenticationError as error:     # the token endpoint refused the credentials
        print("credentials", error)
    except APIConnectionError as error:      # no answer after the retries (APITimeoutError: timeouts)
        print("unreachable", error)
"""


def test_the_readme_example_runs_against_the_reference_server(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReferenceServer() as server:
        monkeypatch.setenv("ONEROSTER_CLIENT_ID", server.client_id)
        monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", server.client_secret)
        monkeypatch.setenv("ONEROSTER_BASE_URL", server.base_url)
        monkeypatch.setenv("ONEROSTER_TOKEN_URL", server.token_url)
        exec(compile(EXAMPLE, "README example", "exec"), {"__name__": "readme_example"})
        log = server.log_text()
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"stored result-2026-alg1-quiz3-stu42 87\.5 \d{4}-\d\d-\d\dT[\d:.]+\+00:00", lines[0])
    assert lines[1] == "class class-alg1-p1 Algebra I - Period 1"
    assert re.fullmatch(r"not found 404 unknownobject [0-9a-f]{32}", lines[2])  # the server's x-request-id
    assert len(lines) == 3
    assert log.count("POST /oauth2/token 200") == 1  # one token for the whole example


def test_the_readme_shows_exactly_this_example() -> None:
    text = README.read_text(encoding="utf-8")
    if MARKER not in text:
        pytest.skip(f"README.md has no SDK example yet (the lead pastes it after the line {MARKER})")
    block = re.search(re.escape(MARKER) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    assert block is not None, f"a ```python block must follow {MARKER}"
    assert block.group(1) == EXAMPLE
