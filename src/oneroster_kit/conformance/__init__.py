"""The `oneroster-conformance` command: checks a OneRoster server against `openapi.yaml`.

It validates the set-up (reachable URL, usable credentials, class ids), then runs the pytest
suite in `oneroster_kit.conformance.suite` in-process: schemathesis phases plus semantic checks a fuzzer
does not make. Exit 0 when the target conforms, 1 when a check fails, 2 for a set-up error.
"""
