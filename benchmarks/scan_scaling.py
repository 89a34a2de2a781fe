"""`unspin scan` on 1 and 2 worker processes: words per second per core and the 1 -> 2 scaling.

    python benchmarks/scan_scaling.py [FOLDER] [--rounds N] [--dask]

FOLDER defaults to ../shared/eval/dev (100k words of clean Wikipedia in clean/ and the spun dev
article); documents are checked with the trigram model only (`--model trigram`). Each round runs
one worker, then two, alternately, so that drift in the machine's load hits both alike. Printed per
run: the whole command (model loading included), the scan itself (what the command reports, after
the model is loaded; with --dask it includes each worker loading its own), and the CPU time of the
command and its workers. The scaling is the ratio of the best scan times; it only means something
on a machine that is otherwise idle. So the benchmark also runs the local pool in-process and reads
each worker's CPU time from /proc: on idle cores a scan lasts as long as its busiest worker,
whatever else the machine is doing now.
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

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"
_SCANNED = re.compile(r"scanned (\d+) of \d+ documents in ([\d.]+) s")


def scan_once(folder: Path, workers: int, dask: bool) -> tuple[float, float, int, float, float]:
    """(whole command s, scan s, documents, user and system CPU s of the command and its workers) of one scan."""
    with tempfile.TemporaryDirectory() as tmp:
        where = ["--workers", str(workers)] if dask else ["--jobs", str(workers)]
        cmd = [sys.executable, "-m", "unspin.cli", "scan", str(folder), "--out", f"{tmp}/out.jsonl",
               "--progress", "never", "--model", "trigram", *where]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        whole = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = _SCANNED.search(proc.stderr)
    if proc.returncode not in (0, 1) or m is None:
        sys.exit(proc.stderr[-2000:])
    return (whole, float(m.group(2)), int(m.group(1)), after.ru_utime - before.ru_utime,
            after.ru_stime - before.ru_stime)


def _children_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each child process of this one, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def per_worker_cpu(folder: Path, workers: int) -> list[float]:
    """CPU seconds each local worker process spends on the scan: what the scan would take on idle cores."""
    from unspin.checking import Checker
    from unspin.corpus_inputs import sources
    from unspin.scan import PoolRunner, ScanOptions, run

    runner = PoolRunner(ScanOptions(Checker(None, model="trigram")), workers)
    try:
        before = _children_cpu()
        with tempfile.TemporaryDirectory() as tmp:
            run(sources([str(folder)]), Path(tmp) / "out.jsonl", runner, progress=False)
        after = _children_cpu()
    finally:
        runner.close()
    return sorted((after[pid] - before.get(pid, 0.0) for pid in after), reverse=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=DEV)
    ap.add_argument("--rounds", type=int, default=2, help="wall-clock rounds through the command (0: none)")
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
            whole, scan, docs, user, system = scan_once(args.folder, workers, args.dask)
            cpu = user + system
            best[workers] = min(best.get(workers, scan), scan)
            print(f"round {r + 1} workers={workers}: command {whole:.1f} s, scan {scan:.1f} s, {docs} documents, "
                  f"{words / scan:,.0f} words/s, {words / scan / workers:,.0f} words/s per core; "
                  f"CPU {user:.1f} s user + {system:.1f} s system ({words / cpu:,.0f} words per CPU second)")
    if not args.dask and Path("/proc/self/task").exists():
        # This machine may share its cores among other sessions (the kernel's autogroup gives each session one
        # share, however many processes it runs), which caps the wall-clock scaling above. Each worker's own CPU
        # time does not depend on that: on idle cores the scan takes as long as its busiest worker.
        one, two = per_worker_cpu(args.folder, 1), per_worker_cpu(args.folder, 2)
        print(f"CPU per worker: 1 worker {one[0]:.1f} s; 2 workers {' + '.join(f'{c:.1f}' for c in two)} s; "
              f"on idle cores 1 -> 2 scaling {one[0] / two[0]:.2f}x "
              f"({words / two[0] / 2:,.0f} words/s per core, {words / one[0]:,.0f} with one worker)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other work on the machine slows the two-worker runs most)")
    if not best:
        return
    print(f"best scan: 1 worker {best[1]:.1f} s ({words / best[1]:,.0f} words/s), 2 workers {best[2]:.1f} s "
          f"({words / best[2]:,.0f} words/s, {words / best[2] / 2:,.0f} per core); "
          f"scaling 1 -> 2: {best[1] / best[2]:.2f}x")


if __name__ == "__main__":
    main()
