"""Written by scripts/regenerate.py: the contract this package was generated from."""

SPEC_SHA256 = "0f58b941cdce67662b5bbdc93c1106906ff1b4e4b3c89166516db1fd07af43aa"
