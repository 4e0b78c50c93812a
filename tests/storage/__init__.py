"""Contract tests: every store implementation, memory and SQL, behaves the same."""
