"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "23dcda8df736d2f82a2d74fa85e3f50d1634b9d155f2609668dbed2d650ac67a"
