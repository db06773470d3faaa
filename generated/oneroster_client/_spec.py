"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "b73625448398ac227b41f438493e473dc2768b04bf62e6436cf73b9c2b383c29"
