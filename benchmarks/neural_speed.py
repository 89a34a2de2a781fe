"""Load time, memory and scoring speed of the neural model, per weight storage and weight cache.

    python benchmarks/neural_speed.py [--storage i8 bf16 f32] [--cache off cold warm] [--sentences 16]
    python benchmarks/neural_speed.py --check [FILE] [--runs 3]

Each storage and cache state is measured in a fresh process: load time, resident memory after
loading (and its peak after scoring), milliseconds per sentence scored alone and in one batch, and
the prose check (per-token perplexity of clean sentences, which should be low for a model that
reads plain prose well).  Cache states: ``off`` (built from the GGUF file, nothing saved), ``cold``
(an empty cache folder: built, then saved), ``warm`` (mapped from the saved copy).

``--check`` times the real command line, ``unspin check FILE`` (default: the dev article), model
loading included, and its peak memory, ``--runs`` times, printing the load average with each run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SENTENCES = [
    "The city council will vote on the new budget next week.",
    "He is confident that member countries will not give in to the demands.",
    "Officials said the talks would continue after the holiday.",
    "The river floods every spring, and the farmers plant their crops after the water recedes.",
    "Scientists measured the temperature of the lake at several depths.",
    "The museum reopened in March after a long renovation.",
    "She wrote three novels before she turned thirty.",
    "The company reported higher profits for the third quarter.",
]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(storage: str, n: int, cache: str = "") -> dict:
    import numpy as np

    from unspin.neural import load_scorer, locate
    base = rss_mb()
    t0 = time.perf_counter()
    scorer = load_scorer(locate(), storage=storage)
    load = time.perf_counter() - t0
    loaded = rss_mb() - base
    texts = (SENTENCES * (n // len(SENTENCES) + 1))[:n]
    scorer.sentence_logprob(texts[0])  # warm
    t0 = time.perf_counter()
    for t in texts[:4]:
        scorer.sentence_logprob(t)
    alone = (time.perf_counter() - t0) / 4
    from unspin.neural import Request
    t0 = time.perf_counter()
    scores = scorer.score_many([Request(t, 0, 0, ("",)) for t in texts])
    batched = (time.perf_counter() - t0) / len(texts)
    tokens = sum(len(scorer.encode(t)) - 1 for t in texts)
    perplexity = float(10 ** (-sum(s[0] for s in scores) / tokens))
    return dict(storage=storage, cache=cache, load_s=round(load, 2), rss_loaded_mb=round(loaded),
                peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                ms_per_sentence_alone=round(alone * 1000), ms_per_sentence_batched=round(batched * 1000),
                tokens_per_sentence=round(tokens / len(texts), 1), perplexity=round(perplexity, 1),
                numpy=np.__version__, load_average=os.getloadavg()[0])


def check(path: str, runs: int) -> None:
    """Wall time and peak memory of ``unspin check path`` (its own process), ``runs`` times."""
    exe = Path(sys.executable).with_name("unspin")
    for _ in range(runs):
        before = os.getloadavg()[0]
        t0 = time.perf_counter()
        proc = subprocess.run([str(exe), "check", "--progress", "never", path], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
        print(json.dumps(dict(command="unspin check", wall_s=round(wall, 2), peak_rss_mb_so_far=round(peak),
                              exit=proc.returncode, summary=proc.stderr.strip().splitlines()[-1:],
                              load_average_before=before, load_average_after=os.getloadavg()[0])))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", nargs="+", default=["i8", "bf16", "f32"])
    ap.add_argument("--cache", nargs="+", default=["off", "cold", "warm"], choices=["off", "cold", "warm"])
    ap.add_argument("--sentences", type=int, default=16)
    ap.add_argument("--check", nargs="?", const=str(ROOT.parent / "shared" / "eval" / "dev" / "seed.spun.txt"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.check:
        check(args.check, args.runs)
        return
    if args.one:
        print(json.dumps(measure(args.one, args.sentences, os.environ.get("UNSPIN_NEURAL_CACHE", ""))))
        return
    with tempfile.TemporaryDirectory() as folder:
        for storage in args.storage:
            for cache in args.cache if storage != "f32" else ["off"]:  # float32 weights are never cached
                env = dict(os.environ, UNSPIN_NEURAL_CACHE="off" if cache == "off" else folder)
                if cache == "cold":
                    for f in Path(folder).iterdir():
                        f.unlink()
                out = subprocess.run([sys.executable, __file__, "--one", storage, "--sentences", str(args.sentences)],
                                     capture_output=True, text=True, check=True, env=env)
                print(out.stdout.strip().replace(f'"cache": "{env["UNSPIN_NEURAL_CACHE"]}"', f'"cache": "{cache}"'))


if __name__ == "__main__":
    main()
