"""The checks `oneroster-conformance` runs: a pytest suite shipped inside the package.

The command runs this directory with pytest from wherever the package is installed; the
checkout's `contract_tests/target` re-exports it so `pytest contract_tests` runs the same tests.
"""
