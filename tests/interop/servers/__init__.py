"""Real servers the interop tests talk to, started once per pytest session (see conftest.py)."""
