"""Scan a small corpus, write its HTML report and a screenshot of it in headless Chromium.

    python benchmarks/report_screenshot.py [PATH ...]

PATH defaults to examples/, the spun dev article and four clean Wikipedia files from
../shared/eval/dev; documents are checked with the trigram model only (`--model trigram`).
Writes benchmarks/out/results.jsonl, report.html and report.png (benchmarks/out/ is not
committed) and prints the scan's and the report's figures.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def unspin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], capture_output=True, text=True, check=False)


def main() -> None:
    dev = ROOT.parent / "shared" / "eval" / "dev"
    paths = sys.argv[1:] or [str(ROOT / "examples"), str(dev / "seed.spun.txt"),
                             *(str(dev / "clean" / f"wiki0{k}.txt") for k in range(4))]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ".gitignore").write_text("*\n", encoding="utf-8")
    results, page, shot = OUT / "results.jsonl", OUT / "report.html", OUT / "report.png"
    results.unlink(missing_ok=True)
    start = time.perf_counter()
    scan = unspin("scan", *paths, "--out", str(results), "--progress", "never", "--model", "trigram")
    scanned = time.perf_counter() - start
    if scan.returncode not in (0, 1, 2):
        sys.exit(scan.stderr[-2000:])
    start = time.perf_counter()
    report = unspin("report", str(results), "-o", str(page))
    reported = time.perf_counter() - start
    if report.returncode != 0:
        sys.exit(report.stderr[-2000:])
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        browser = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                                  "--window-size=1280,2200", page.as_uri()], capture_output=True, text=True,
                                 check=False, timeout=120)
        shown = time.perf_counter() - start
    if not shot.exists():
        sys.exit(browser.stderr[-2000:])
    print(scan.stderr.strip().splitlines()[-1])
    print(f"scan {scanned:.1f} s (model loading included); report {reported:.1f} s, {page.stat().st_size:,} bytes; "
          f"Chromium load and screenshot {shown:.1f} s")
    print(f"wrote {results}, {page} and {shot}")


if __name__ == "__main__":
    main()
