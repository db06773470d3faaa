"""Test aids shared by tests/, contract_tests/ and scripts/ (not shipped in the wheel)."""
