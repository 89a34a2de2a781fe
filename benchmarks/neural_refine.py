"""Dev-article restore before and after the neural phase, over a grid of weightings.

    python benchmarks/neural_refine.py [--dev ../shared/eval/dev]

Scores each finding's suggestions with the neural model once, then re-ranks them under each
weighting and prints restore (share of findings on a replaced token whose first suggestion is an
accepted original, as ../shared/eval/score.py counts it) and the time taken.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import time
from dataclasses import replace
from pathlib import Path

from unspin.engine import Engine
from unspin.neural import shared_scorer
from unspin.refine import Weights, rerank, score_findings

ROOT = Path(__file__).resolve().parents[1]


def load_score_module(dev: Path):
    spec = importlib.util.spec_from_file_location("score", dev.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_json(findings) -> list[dict]:
    return [{"offset": f.start, "length": f.end - f.start, "text": f.text,
             "suggestions": [s.text for s in f.suggestions]} for f in findings]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("--right-tokens", type=int, default=Weights.right_tokens, help="-1: the whole sentence")
    ap.add_argument("--rival", type=float, default=Weights.rival)
    ap.add_argument("--observed", action="store_true")
    args = ap.parse_args()
    asked = Weights(right_tokens=None if args.right_tokens < 0 else args.right_tokens, rival=args.rival,
                    observed=args.observed)
    score = load_score_module(args.dev)
    docs = []
    for spun in sorted(args.dev.glob("*.spun.txt")):
        gold = json.loads(spun.with_name(spun.name.replace(".spun.txt", ".gold.json")).read_text())
        docs.append((spun.read_text(encoding="utf-8"), gold))
    engine = Engine()
    t0 = time.perf_counter()
    scorer = shared_scorer()
    print(f"model load {time.perf_counter() - t0:.2f} s")
    analysed = []
    for text, gold in docs:
        t0 = time.perf_counter()
        findings = engine.analyze(text)
        t1 = time.perf_counter()
        scored = {id(s.finding): s for s in score_findings(text, findings, scorer, asked)}
        t2 = time.perf_counter()
        print(f"analyse {t1 - t0:.2f} s, {len(findings)} findings, {len(scored)} scored by the neural model "
              f"({asked}) in {t2 - t1:.2f} s")
        analysed.append((text, gold, findings, scored))

    def restore(weights: Weights | None) -> tuple[float, float]:
        rows = []
        for text, gold, findings, scored in analysed:
            out = findings if weights is None else [rerank(scored[id(f)], weights) if id(f) in scored else f
                                                    for f in findings]
            rows.append(score.score_doc(text, gold, as_json(out)))
        s = score.summarize(rows)
        return s["restore"], s["f1"]

    print("trigram only: restore %.3f F1 %.3f" % restore(None))
    for engine_w in (0.0, 0.25, 0.5, 1.0):
        for neural_w in (0.5, 1.0, 2.0):
            r, f1 = restore(replace(asked, engine=engine_w, neural=neural_w))
            print(f"engine {engine_w:4.2f} neural {neural_w:4.2f}: restore {r:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
