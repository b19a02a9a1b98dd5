"""Test support shared by every service's tests: infrastructure fixtures, fakes, recorders."""
