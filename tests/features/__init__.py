"""Tests of single features' modules, below the conversations in tests/test_*.py."""
