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

from unspin.engine import Engine, EngineSettings
from unspin.neural import shared_scorer
from unspin.refine import Weights, reranked, score_findings

ROOT = Path(__file__).resolve().parents[1]


def load_score_module(dev: Path):
    spec = importlib.util.spec_from_file_location("score", dev.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_json(findings) -> list[dict]:
    return [{"offset": f.start, "length": f.end - f.start, "text": f.text,
             "suggestions": [s.text for s in f.suggestions]} for f in findings]


def oracle(text: str, gold: list[dict], findings):
    """The findings with an accepted original moved first wherever it is among their suggestions."""
    starts = _line_starts(text)
    accepted = {starts[g["line"]] + g["col"]: {o.lower() for o in g.get("orig") or ()} for g in gold}
    out = []
    for f in findings:
        ok = accepted.get(f.start, set())
        hit = [s for s in f.suggestions if s.text.lower() in ok]
        out.append(replace(f, suggestions=tuple(hit[:1]) + tuple(s for s in f.suggestions if s not in hit[:1])))
    return out


def _line_starts(text: str) -> list[int]:
    starts, pos = [], 0
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    return starts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("configs", nargs="*", default=["2,0.15,12,0.15"],
                    help="right_tokens,rival,left_words,weigh (-1: unlimited), several to compare")
    ap.add_argument("--suggestions", type=int, default=EngineSettings.max_suggestions,
                    help="suggestions per finding the engine gives (the neural model re-ranks them)")
    args = ap.parse_args()
    score = load_score_module(args.dev)
    docs = []
    for spun in sorted(args.dev.glob("*.spun.txt")):
        gold = json.loads(spun.with_name(spun.name.replace(".spun.txt", ".gold.json")).read_text())
        docs.append((spun.read_text(encoding="utf-8"), gold))
    engine = Engine(EngineSettings(max_suggestions=args.suggestions))
    t0 = time.perf_counter()
    scorer = shared_scorer()
    print(f"model load {time.perf_counter() - t0:.2f} s")
    findings_of = []
    for text, _ in docs:
        t0 = time.perf_counter()
        findings_of.append(engine.analyze(text))
        print(f"analyse {time.perf_counter() - t0:.2f} s, {len(findings_of[-1])} findings")

    def restore(weights: Weights | None, scored_of) -> tuple[float, float]:
        rows = []
        for (text, gold), findings, scored in zip(docs, findings_of, scored_of):
            out = findings if weights is None else reranked(findings, list(scored.values()), weights)
            rows.append(score.score_doc(text, gold, as_json(out)))
        s = score.summarize(rows)
        return s["restore"], s["f1"]

    print("trigram only: restore %.3f F1 %.3f" % restore(None, [{}] * len(docs)))
    rows = [score.score_doc(text, gold, as_json(oracle(text, gold, findings)))
            for (text, gold), findings in zip(docs, findings_of)]
    print("ceiling, the right original first wherever it is among the suggestions: restore %.3f"
          % score.summarize(rows)["restore"])
    for config in args.configs:
        right, rival, left, weigh = config.split(",")
        asked = Weights(right_tokens=None if int(right) < 0 else int(right), rival=float(rival),
                        left_words=None if int(left) < 0 else int(left), weigh=float(weigh))
        scored_of = []
        t0, before = time.perf_counter(), scorer.tokens_run
        for (text, _), findings in zip(docs, findings_of):
            scored_of.append({id(s.finding): s for s in score_findings(text, findings, scorer, asked)})
        print(f"{asked}: {sum(map(len, scored_of))} findings scored, {scorer.tokens_run - before} tokens "
              f"in {time.perf_counter() - t0:.2f} s")
        for pool in (False, True):
            for engine_w in (0.0, 0.5, 1.0):
                for neural_w in (0.5, 1.0, 2.0):
                    r, f1 = restore(replace(asked, engine=engine_w, neural=neural_w, pool=pool), scored_of)
                    print(f"  pool {pool:d} engine {engine_w:4.2f} neural {neural_w:4.2f}: restore {r:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
