"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "d3dd2f187d220157addaf0761be74ea7de97738bd19091c5b85db0fb086719e4"
