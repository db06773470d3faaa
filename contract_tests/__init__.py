"""Contract tests: the generated client (`client/`) and a target server (`target/`)."""
