"""Speed and memory of `unspin check` over a folder of text files.

    python benchmarks/speed.py [FOLDER]   (default: ../shared/eval/dev/clean)

Prints words, wall time including model loading, words per second and the
peak resident memory of the checking process.
"""
from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1].parent / "shared/eval/dev/clean")
    files = sorted(str(p) for p in folder.glob("*.txt"))
    if not files:
        sys.exit(f"no .txt files in {folder}")
    words = sum(len(re.findall(r"\w+", Path(f).read_text(encoding="utf-8"))) for f in files)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "check", "--format", "json", *files],
                          capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr.decode()[-2000:])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files={len(files)} words={words} seconds={elapsed:.2f} words_per_second={words / elapsed:,.0f} "
          f"peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
