"""The reference server: a real, persistent implementation of the two operations of `openapi.yaml`.

`oneroster-reference-server` (see `__main__`) serves `app.build_app(...)` with uvicorn; tests and
the conformance suite start it as a subprocess through `process.ReferenceServer`.
"""
