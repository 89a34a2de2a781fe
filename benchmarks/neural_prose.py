"""Does the Instruct model read plain prose well?  Per-token perplexity of clean sentences under each
way of starting a text.

    python benchmarks/neural_prose.py [--folder ../shared/eval/dev/clean] [--sentences 60]

Compares reading a sentence after ``<|endoftext|>`` (what the scorer does), after the chat
template's opening of a user turn, and after the preceding sentence of the article.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from unspin.neural import Request, shared_scorer
from unspin.tokens import tokenize

ROOT = Path(__file__).resolve().parents[1]


def sentences(folder: Path, n: int) -> list[tuple[str, str]]:
    """(previous sentence, sentence) pairs of 8-40 words from the folder's texts."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans: dict[int, list[int]] = {}
        for tok in tokenize(text):
            spans.setdefault(tok.sentence, [tok.start, tok.end])[1] = tok.end
        ordered = [text[a:b] for a, b in sorted(spans.values())]
        for prev, cur in zip(ordered, ordered[1:]):
            if 8 <= len(cur.split()) <= 40 and "\n" not in cur and "=" not in cur:
                out.append((prev, cur))
        if len(out) >= n:
            break
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", type=Path, default=ROOT.parent / "shared" / "eval" / "dev" / "clean")
    ap.add_argument("--sentences", type=int, default=60)
    args = ap.parse_args()
    scorer = shared_scorer()
    pairs = sentences(args.folder, args.sentences)
    starts = {"<|endoftext|>": lambda prev: ("", ""), "chat user turn": lambda prev: ("<|im_start|>user\n", ""),
              "previous sentence": lambda prev: (prev, " ")}
    for name, lead in starts.items():
        reqs = []
        for prev, cur in pairs:
            head, sep = lead(prev)
            reqs.append(Request(head + sep + cur, len(head), len(head) + len(sep) + len(cur), (sep + cur, "")))
        total = tokens = 0.0
        for req, (with_s, without) in zip(reqs, scorer.score_many(reqs)):
            total += with_s - without
            tokens += len(scorer.encode(req.text)) - len(scorer.encode(req.text[:req.start]))
        print(f"{name:20s} perplexity {10 ** (-total / tokens):6.1f} over {int(tokens)} tokens, "
              f"{len(pairs)} sentences")


if __name__ == "__main__":
    main()
