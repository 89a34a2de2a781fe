"""Tortured-phrase benchmark: detection, restoration and false alarms on the shared dev set.

Reads ``../shared/eval/tortured`` (never copied into the project): sentences that each carry one
real tortured phrase, and clean sentences from the same abstracts.  Scores as
``score_tortured.py`` does, in process, so that the phrase pass can be measured alone or after the
engine's word findings::

    python benchmarks/tortured.py [DIR] [--phrases-only] [--limit N] [--skip N] [--misses]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from unspin.engine import Engine
from unspin.phrases import find_phrases, shared_finder

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "tortured"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower())


def _restored(text: str, a0: int, b0: int, expected: str, inside: list) -> bool:
    """As ``score_tortured.py``: the first suggestion of every finding inside the span gives ``expected``."""
    out, pos = [], min(a0, inside[0].start)
    end = max(b0, inside[-1].end)
    for f in inside:
        if f.start < pos:
            continue
        out.append(text[pos:f.start])
        out.append(f.best if f.best else text[f.start:f.end])
        pos = f.end
    out.append(text[pos:end])
    want = text[min(a0, inside[0].start):a0] + expected + text[b0:end]
    return _norm("".join(out)) == _norm(want)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT))
    ap.add_argument("--phrases-only", action="store_true", help="the phrase pass alone, without word findings")
    ap.add_argument("--limit", type=int, default=0, help="first N sentences of each file (quick runs)")
    ap.add_argument("--skip", type=int, default=0,
                    help="leave out the first N sentences of each file (those the settings were tuned on)")
    ap.add_argument("--misses", action="store_true", help="list what was missed or wrongly restored")
    a = ap.parse_args()
    d = Path(a.dir)
    if not d.is_dir():
        print(f"no dev set at {d}", file=sys.stderr)
        return 2
    engine = Engine()
    finder = shared_finder()
    print(f"neural scorer: {'yes' if finder._neural is not None else 'no'}; Moby: "
          f"{'yes' if finder._moby is not None else 'no'}", file=sys.stderr)

    def analyse(text: str) -> list:
        words = [] if a.phrases_only else engine.analyze(text)
        return find_phrases(text, words)

    t0 = time.perf_counter()
    n = det = rest = 0
    for spun in sorted(d.glob("*.spun.txt")):
        lines = spun.read_text(encoding="utf-8").split("\n")
        rows = [r.split("\t") for r in spun.with_name(spun.name.replace(".spun.txt", ".expected.tsv"))
                .read_text(encoding="utf-8").splitlines()]
        if a.limit:
            lines, rows = lines[:a.limit], [r for r in rows if int(r[0]) < a.limit]
        if a.skip:
            lines = [""] * a.skip + lines[a.skip:]  # blank lines keep the line numbers
            rows = [r for r in rows if int(r[0]) >= a.skip]
        text = "\n".join(lines)  # the whole file is one document, as the scorer passes it
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        found = sorted(analyse(text), key=lambda f: f.start)
        for ln, s0, e0, tort, expected, *_ in rows:
            a0, b0 = starts[int(ln)] + int(s0), starts[int(ln)] + int(e0)
            inside = [f for f in found if f.start < b0 and a0 < f.end]
            n += 1
            if not inside:
                if a.misses:
                    print(f"MISS  {tort!r} -> {expected!r}")
                continue
            det += 1
            if _restored(text, a0, b0, expected, inside):
                rest += 1
                if a.misses:
                    print(f"OK    {tort!r} -> {expected!r}")
            elif a.misses:
                print(f"WRONG {tort!r} -> {expected!r}: got {[(f.text, f.best) for f in inside]}")
    words = alarms = 0
    clean = sorted((d / "clean").glob("*.txt"))
    for f in clean:
        text = f.read_text(encoding="utf-8")
        if a.limit:
            text = "\n".join(text.split("\n")[:a.limit])
        if a.skip:
            text = "\n".join(text.split("\n")[a.skip:])
        words += len(re.findall(r"\w+", text))
        found = analyse(text)
        alarms += len(found)
        if a.misses:
            for x in found:
                print(f"ALARM {x.text!r} -> {x.best!r} ({x.kind}) in {f.name}")
    secs = time.perf_counter() - t0
    print(f"spans {n}  detected {det / max(n, 1):.3f}  restored {rest / max(n, 1):.3f}  "
          f"false alarms {1000 * alarms / max(words, 1):.2f} per 1k clean words ({alarms} in {words} words)  "
          f"{secs:.0f} s, {finder._neural.tokens_run if finder._neural is not None else 0:,} tokens through the "
          f"neural model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
