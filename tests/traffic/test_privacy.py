"""Tokens, cookies and client secrets never reach a report; --redact hides chosen body fields."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.synthetic_traffic import Writer, har_document, result_body
from tests.traffic.conftest import run_traffic

TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl"
SECRET = "client-secret-do-not-print"
COOKIE = "session=cookie-value-do-not-print"
STUDENT = "student-private-4242"


def _har(tmp_path: Path) -> Path:
    writer = Writer()
    result = result_body(student={"sourcedId": STUDENT})

    def wrong_student(stored: dict[str, object]) -> None:
        stored["student"] = {"sourcedId": STUDENT + "-other"}

    records = [writer.put_result("privacy-r1", result, wrong_student, token=TOKEN)]
    document = har_document(records)
    entry = document["log"]["entries"][0]
    entry["request"]["headers"].append({"name": "Cookie", "value": COOKIE})
    grant = json.loads(json.dumps(entry))
    grant["request"].update(method="POST", url="https://idp.example.org/oauth2/token")
    grant["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "text": f"grant_type=client_credentials&client_id=c&client_secret={SECRET}",
    }
    grant["response"]["content"]["text"] = json.dumps({"access_token": TOKEN, "expires_in": 3600})
    grant["response"]["status"] = 200
    document["log"]["entries"].insert(0, grant)
    path = tmp_path / "private.har"
    path.write_text(json.dumps(document))
    return path


def test_secrets_never_in_reports(tmp_path: Path) -> None:
    run = run_traffic([str(_har(tmp_path))], tmp_path / "report")
    assert run.code == 1 and "result_echo" in run.result["failed_checks"]
    text = run.reports_text() + run.stdout
    for secret in (TOKEN, SECRET, "cookie-value-do-not-print"):
        assert secret not in text
    assert STUDENT in text  # not redacted unless asked


def test_redacted_fields_never_in_reports(tmp_path: Path) -> None:
    run = run_traffic([str(_har(tmp_path)), "--redact", "student"], tmp_path / "report")
    assert run.code == 1 and "result_echo" in run.result["failed_checks"]
    text = run.reports_text() + run.stdout
    assert STUDENT not in text
    assert "[REDACTED]" in text
