"""Generate the Python code for the v1 API from `proto/` (reproducibly).

Usage: ``python proto/gen_python.py`` writes ``recommender/api/v1/``;
``python proto/gen_python.py --check`` exits 1 when the committed code is stale.

protoc names modules after the proto package (``finops.recommender.v1``); the
generated imports are rewritten to ``recommender.api.v1`` so the code lives
inside the ``recommender`` package and imports without sys.path tricks. The
google/api and google/type messages come from googleapis-common-protos.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
API_DIR = PROTO_DIR / "finops" / "recommender" / "v1"
OUT_DIR = ROOT / "recommender" / "api" / "v1"
SERVICE_FILE = "recommender_service.proto"
_IMPORT = re.compile(r"^from finops\.recommender\.v1 import ", re.MULTILINE)
_INIT = '"""Generated code of the finops.recommender.v1 API (do not edit; run `make gen`)."""\n'


def _protoc(args: list[str]) -> None:
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_DIR}", *args]
    subprocess.run(cmd, check=True, env=env)


def generate(out: Path) -> None:
    """Generate messages, stubs and type stubs into ``out`` (a flat directory)."""
    with tempfile.TemporaryDirectory() as tmp:
        protos = sorted(str(p) for p in API_DIR.glob("*.proto"))
        _protoc([f"--python_out={tmp}", f"--pyi_out={tmp}", *protos])
        service = str(API_DIR / SERVICE_FILE)
        _protoc([f"--grpc_python_out={tmp}", f"--mypy_grpc_out={tmp}", service])
        out.mkdir(parents=True, exist_ok=True)
        for src in sorted((Path(tmp) / "finops" / "recommender" / "v1").iterdir()):
            text = _IMPORT.sub("from recommender.api.v1 import ", src.read_text())
            (out / src.name).write_text(text)
        (out / "__init__.py").write_text(_INIT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed code is stale")
    args = parser.parse_args()
    if not args.check:
        if OUT_DIR.exists():
            shutil.rmtree(OUT_DIR)
        generate(OUT_DIR)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "v1"
        generate(fresh)
        fresh_names = {p.name for p in fresh.iterdir()}
        old_names = {p.name for p in OUT_DIR.glob("*") if p.is_file()} if OUT_DIR.exists() else set()
        _, mismatch, errors = filecmp.cmpfiles(fresh, OUT_DIR, sorted(fresh_names), shallow=False)
        stale = sorted(set(mismatch) | set(errors) | (old_names - fresh_names))
        if stale:
            print("Generated code is stale against proto/ (run `make gen`):", ", ".join(stale))
            return 1
    print("Generated code is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
