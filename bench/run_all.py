"""Run every benchmark script in bench/ (``make bench``), one after another, and stop on failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"__init__.py", "run_all.py"}


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and not p.name.startswith("_"))
    if not scripts:
        print("no benchmark scripts in bench/")
        return 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{script.stem}"], cwd=HERE.parent)
        if code != 0:
            print(f"{script.name} failed with exit code {code}")
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
