"""Interop driver for PyPI `timeback` 0.3.0 (sync, hand-written): run inside that client's venv.

It uses the library as its README does (`GradebookService.put_result`, `RosteringService.update_class`
with its own request models), pointed at a reference server: the library hard-codes TimeBack's hosts
per environment, so the driver builds its `HttpClient` and `OAuth2ClientCredentials` (which appends
`/oauth2/token` to the IdP base URL) with the server's URLs instead. Prints one JSON line per call.

Usage: python driver_timeback.py --base-url URL --client-id ID --client-secret S --class-id C --result-id R
"""

from __future__ import annotations

import argparse

from interop_wire import Recorder

CLIENT = "timeback 0.3.0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--base-url", "--client-id", "--client-secret", "--class-id", "--result-id"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    recorder = Recorder(CLIENT)

    from timeback.auth import OAuth2ClientCredentials
    from timeback.http import HttpClient
    from timeback.models.request import TimebackPutResultRequest
    from timeback.models.request.timeback_update_class_request import TimebackUpdateClassRequest
    from timeback.services.oneroster.gradebook.gradebook_service import GradebookService
    from timeback.services.oneroster.rostering.rostering_service import RosteringService

    tokens = OAuth2ClientCredentials(args.base_url, args.client_id, args.client_secret)
    http = HttpClient(base_url=args.base_url.rstrip("/") + "/", token_provider=tokens)
    gradebook, rostering = GradebookService(http), RosteringService(http)

    def result(score: float) -> TimebackPutResultRequest:
        return TimebackPutResultRequest.model_validate(
            {
                "sourced_id": args.result_id,
                "result": {
                    "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
                    "student": {"sourcedId": "student-42"},
                    "scoreStatus": "fully graded",
                    "score": score,
                    "scoreDate": "2026-11-20T14:30:00Z",
                },
            }
        )

    for call, score in (("put_result (create)", 87.5), ("put_result (update)", 91.0)):
        record = recorder.start(call)
        try:
            recorder.accepted(record, gradebook.put_result(result(score)))
        except Exception as error:
            recorder.refused(record, error)

    record = recorder.start("update_class (title)")
    try:
        request = TimebackUpdateClassRequest.model_validate(
            {"class": {"sourcedId": args.class_id, "title": "Algebra I - Period 1 (timeback)"}}
        )
        recorder.accepted(record, rostering.update_class(request))
    except Exception as error:
        recorder.refused(record, error)


if __name__ == "__main__":
    main()
