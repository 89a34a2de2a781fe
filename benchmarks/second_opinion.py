"""Fit the neural model's second opinion on the engine's findings (``refine.Weights.judge*``).

    python benchmarks/second_opinion.py [--files 6] [--styles a,b] [--caps 3,4,99]

Spins the Wikipedia articles of ``../shared/eval/dev/clean`` that the table's full run uses but its quick
run does not (so the quick table stays held out) in the spinner styles, seeded as the table seeds them;
never the dev spun article.  Clean negatives: the dev Wikipedia articles that no style spins and the
genre texts of ``benchmarks/corpus``.  For each document the engine reports its findings for review
(``refine.for_review``), the neural model scores each finding's suggestions and its text as written
(``refine.score_findings``), and each finding is marked right when it lies on a replaced token, as
``score.py`` matches them.

Fits, for each cap, the logistic model ``logit(judged) = logit(confidence) + a * min(cap, lift) + b``
(``lift``: log10 of how much likelier the likeliest suggestion is than the text as written) and prints
``a`` and ``b``, the held-out log-loss (leave one document out) and, per style, F1 at 0.5 before (the
engine alone, at its own threshold) and after, with false alarms over the clean prose.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))
import table  # noqa: E402

FIT_FILES = [name for name in table.FULL_FILES if name not in table.QUICK_FILES]
CLEAN_FILES = sorted(p.stem for p in table.CLEAN_WIKI.glob("wiki*.txt") if p.stem not in table.FULL_FILES)
STYLES = ("consistent", "varied", "sparse", "wordnet-random", "moby", "moby-all")


@dataclass
class Row:
    """One finding put to the neural model."""

    group: str
    doc: str
    confidence: float
    lift: float
    right: bool
    shown: bool  # the engine alone would show it


def _rows(group: str, path: Path, gold_path: Path | None, engine, scorer, judge_scorer) -> tuple[list[Row], int]:
    """The document's findings for review as rows, and its number of replaced tokens."""
    from unspin.refine import REVIEW, Weights, score_findings

    text = path.read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path else []
    threshold = engine.settings.threshold
    shown = {(f.start, f.end) for f in engine.analyze(text, threshold)}
    found = engine.analyze(text, threshold, review=REVIEW)
    scored = score_findings(text, found, judge_scorer, Weights(sure=math.inf))  # every finding judged
    spans = [{"offset": s.finding.start, "length": s.finding.end - s.finding.start} for s in scored]
    rows = [Row(group, str(path), s.finding.confidence, s.lift, right, (s.finding.start, s.finding.end) in shown)
            for s, right in zip(scored, table.on_replaced(scorer, text, gold, spans)) if right is not None]
    return rows, sum(1 for g in gold if g["status"] == "sub")


def _fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Newton's method for logistic regression with a fixed offset and a little ridge."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w + offset)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, x.T @ (p - y) + 1e-2 * w)
    return w


def _f1(rows: list[Row], chosen: np.ndarray, subs: int) -> tuple[float, int]:
    tp = sum(1 for r, c in zip(rows, chosen) if c and r.right)
    fp = sum(1 for r, c in zip(rows, chosen) if c and not r.right)
    p, r = tp / max(1, tp + fp), tp / max(1, subs)
    return (2 * p * r / (p + r) if p + r else 0.0), fp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=len(FIT_FILES))
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--caps", default="3,4,99")
    args = ap.parse_args()

    from unspin.engine import Engine
    from unspin.neural import shared_scorer

    judge_scorer = shared_scorer()
    if judge_scorer is None:
        sys.exit("second_opinion: the neural model's weights are not installed")
    scorer, engine, plan = table.load_scorer(), Engine(), table.Plan()
    rows: list[Row] = []
    subs: dict[str, int] = {}
    words: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        table.build_styles(plan, Path(tmp), args.styles.split(","), FIT_FILES[:args.files])
        for name in CLEAN_FILES:
            plan.add("clean", table.CLEAN_WIKI / f"{name}.txt")
        for path in sorted(table.CORPUS.glob("*/*.txt")):
            plan.add("clean", path)
        for doc in plan.docs:
            got, n = _rows(doc.group, doc.path, doc.gold, engine, scorer, judge_scorer)
            rows += got
            subs[doc.group] = subs.get(doc.group, 0) + n
            words[doc.group] = words.get(doc.group, 0) + len(re.findall(r"\w+", doc.path.read_text(encoding="utf-8")))
            print(f"{doc.group:24s} {doc.path.name:20s} {len(got):5d} findings", file=sys.stderr, flush=True)

    y = np.array([float(r.right) for r in rows])
    clipped = np.clip([r.confidence for r in rows], 1e-9, 1 - 1e-9)
    logit = np.log(clipped / (1 - clipped))
    docs = np.array([r.doc for r in rows])
    groups = sorted(set(r.group for r in rows) - {"clean"})
    print(f"{len(rows)} findings for review; {int(y.sum())} right")
    base = np.array([r.shown for r in rows])
    print("engine alone: " + "  ".join(f"{g.removeprefix('style ')} {_f1(*_of(rows, base, g), subs[g])[0]:.3f}"
                                       for g in groups) + f"  clean alarms {_alarms(rows, base, words)}")
    for cap in map(float, args.caps.split(",")):
        x = np.array([[min(cap, r.lift), 1.0] for r in rows])
        held = np.zeros(len(rows))
        for d in sorted(set(docs)):
            out = docs == d
            w = _fit(x[~out], y[~out], logit[~out])
            held[out] = 1.0 / (1.0 + np.exp(-(x[out] @ w + logit[out])))
        w = _fit(x, y, logit)
        loss = -float(np.mean(y * np.log(held + 1e-12) + (1 - y) * np.log(1 - held + 1e-12)))
        chosen = held >= 0.5
        print(f"cap {cap:g}: a {w[0]:.3f} b {w[1]:.3f} held-out log-loss {loss:.4f}  "
              + "  ".join(f"{g.removeprefix('style ')} {_f1(*_of(rows, chosen, g), subs[g])[0]:.3f}" for g in groups)
              + f"  clean alarms {_alarms(rows, chosen, words)}")


def _of(rows: list[Row], chosen: np.ndarray, group: str) -> tuple[list[Row], np.ndarray]:
    keep = [i for i, r in enumerate(rows) if r.group == group]
    return [rows[i] for i in keep], chosen[keep]


def _alarms(rows: list[Row], chosen: np.ndarray, words: dict[str, int]) -> str:
    n = sum(1 for r, c in zip(rows, chosen) if c and r.group == "clean")
    return f"{n} ({1000 * n / max(1, words.get('clean', 0)):.3f} per 1k words)"


if __name__ == "__main__":
    main()
