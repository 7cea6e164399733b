"""Shared helpers for tests: real servers started as subprocesses (see stack.py)."""
