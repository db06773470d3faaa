"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "156068606e68054112f17884a0e8913f0ef331ceb9d6dcfa66d5c26493566e14"
