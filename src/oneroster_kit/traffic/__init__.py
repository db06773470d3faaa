"""`oneroster-conformance traffic FILE...`: check recorded traffic against `openapi.yaml`.

Reads HAR 1.2 files and the kit's NDJSON exchange logs one exchange at a time, matches each
exchange to an operation, blames a request that breaks the spec on the client and an answer that
breaks it on the server, follows each resource across exchanges for the suite's semantic checks,
and reports coverage so that a clean report says how far it can be trusted.
"""
