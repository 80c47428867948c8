"""Shared pytest configuration for the test suite."""

from __future__ import annotations

import sys
from pathlib import Path

# Test helper modules (models.py, mutants.py, …) are imported by name from the tests.
TESTS_DIR = str(Path(__file__).resolve().parent)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)
