"""Contract tests of the generated client `oneroster_client` (no server: `httpx.MockTransport`)."""
