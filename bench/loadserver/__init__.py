"""Bench-only Django additions for bench/load.py: two baseline endpoints on the same server as the portal.
Never in production: only bench/loadserver/settings.py (used by `make bench`) installs them."""
