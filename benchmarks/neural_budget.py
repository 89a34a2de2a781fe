"""The issue's budgets for the neural phase, measured with the real command line.

    python benchmarks/neural_budget.py [--dev ../shared/eval/dev] [--rounds 2]

Runs ``unspin check --format json`` alternately with ``--model trigram`` and ``--model neural`` on
the dev spun article (model loading included) and on the clean dev folder (about 100k words), and
prints wall time and peak resident memory of each run, and the dev scores of the neural run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNSPIN = Path(sys.executable).with_name("unspin")


def run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB, the largest process) and stdout of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with {proc.returncode}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--extra", default="", help="further options for every run")
    args = ap.parse_args()
    extra = args.extra.split()
    spun = sorted(str(p) for p in args.dev.glob("*.spun.txt"))
    clean = sorted(str(p) for p in (args.dev / "clean").glob("*.txt"))
    for name, files in (("dev article", spun), ("clean folder", clean)):
        for r in range(args.rounds):
            for model in ("trigram", "neural"):
                wall, rss, out = run([str(UNSPIN), "check", "--format", "json", "--progress", "never",
                                      "--model", model, *extra, *files])
                found = sum(len(f["findings"]) for f in json.loads(out)["files"])
                print(f"{name:12s} round {r + 1} {model:7s}: {wall:6.2f} s, peak {rss:5.0f} MB, {found} findings")
    score = args.dev.parent / "score.py"
    for model in ("trigram", "neural"):
        cmd = f"{UNSPIN} check --format json --progress never --model {model} {args.extra}"
        out = subprocess.run([sys.executable, str(score), "--json", "--cmd", cmd, str(args.dev)],
                             capture_output=True, text=True, check=True).stdout
        print(f"score.py --model {model}: {out.strip()}")


if __name__ == "__main__":
    main()
