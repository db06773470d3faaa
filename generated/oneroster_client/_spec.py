"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "ac9b2ee040741f84715c70a9f6d5c7a42eec9d34422237ca203d97f96ff56f18"
