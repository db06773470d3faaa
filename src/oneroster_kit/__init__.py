"""OneRoster contract kit: the hand-written layer around the curated `openapi.yaml`.

Map (data flows one way, from the spec outwards; the generated SDK imports nothing from here):

- `oneroster_kit.spec`: finds and loads `openapi.yaml`, the single source of truth.
- `oneroster_kit.sdk`: what the generated `oneroster_client` lacks (OAuth2, retries, typed errors).
- `oneroster_kit.server`: the reference server (Starlette + SQLite).
- `oneroster_kit.conformance`: the `oneroster-conformance` command.
"""
