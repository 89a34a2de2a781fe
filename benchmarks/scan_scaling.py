"""`unspin scan` on 1 and 2 worker processes: words per second per core and the 1 -> 2 scaling.

    python benchmarks/scan_scaling.py [FOLDER] [--rounds N] [--dask]

FOLDER defaults to ../shared/eval/dev (100k words of clean Wikipedia in clean/ and the spun dev
article). Each round runs one worker, then two, alternately, so that drift in the machine's load
hits both alike. Two times are printed per run: the whole command (model loading included) and
the scan itself (what the command reports, after the model is loaded; with --dask it includes
each worker loading its own), and the CPU time of the command and its workers. The scaling is the
ratio of the best scan times; it only means something on a machine that is otherwise idle.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SCANNED = re.compile(r"scanned (\d+) of \d+ documents in ([\d.]+) s")


def scan_once(folder: Path, workers: int, dask: bool) -> tuple[float, float, int, float]:
    """(whole command s, scan s, documents, CPU s of the command and its workers) of one fresh scan."""
    with tempfile.TemporaryDirectory() as tmp:
        where = ["--workers", str(workers)] if dask else ["--jobs", str(workers)]
        cmd = [sys.executable, "-m", "unspin.cli", "scan", str(folder), "--out", f"{tmp}/out.jsonl",
               "--progress", "never", *where]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        whole = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = _SCANNED.search(proc.stderr)
    if proc.returncode not in (0, 1) or m is None:
        sys.exit(proc.stderr[-2000:])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return whole, float(m.group(2)), int(m.group(1)), cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=Path(__file__).resolve().parents[2] / "shared/eval/dev")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="a Dask LocalCluster (--workers) instead of --jobs")
    args = ap.parse_args()
    files = sorted(args.folder.rglob("*.txt"))
    if not files:
        sys.exit(f"no .txt files under {args.folder}")
    words = sum(len(re.findall(r"\w+", p.read_text(encoding="utf-8"))) for p in files)
    print(f"corpus: {len(files)} files, {words:,} words ({args.folder}); "
          f"{'Dask LocalCluster' if args.dask else 'local processes'}")
    best: dict[int, float] = {}
    for r in range(args.rounds):
        for workers in (1, 2):
            whole, scan, docs, cpu = scan_once(args.folder, workers, args.dask)
            best[workers] = min(best.get(workers, scan), scan)
            print(f"round {r + 1} workers={workers}: command {whole:.1f} s, scan {scan:.1f} s, {docs} documents, "
                  f"{words / scan:,.0f} words/s, {words / scan / workers:,.0f} words/s per core; "
                  f"CPU {cpu:.1f} s ({words / cpu:,.0f} words per CPU second)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other work on the machine slows the two-worker runs most)")
    print(f"best scan: 1 worker {best[1]:.1f} s ({words / best[1]:,.0f} words/s), 2 workers {best[2]:.1f} s "
          f"({words / best[2]:,.0f} words/s, {words / best[2] / 2:,.0f} per core); "
          f"scaling 1 -> 2: {best[1] / best[2]:.2f}x")


if __name__ == "__main__":
    main()
