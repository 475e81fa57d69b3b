"""Generated API code (see proto/gen_python.py)."""
