"""How much spinner evidence documents yield at several spin rates: why sparse spinning is judged clean.

    python benchmarks/sparse_evidence.py FILE_OR_GLOB...

For each document, the summed ``channel.spin_log_likelihoods`` per 100 candidate words (weighted as
the whole-document test weighs them) at the rates in ``RATES`` instead of ``channel.REFERENCE_RATE``.
Give it sparse-style articles (``table.py --quick --styles sparse --keep DIR``) and clean prose of
several genres (``benchmarks/corpus/*/*.txt``) to see whether any rate separates them.
"""
from __future__ import annotations

import glob
import sys
from pathlib import Path

import numpy as np

from unspin.channel import eligibility, evidence_weights, moby_share, repeats
from unspin.engine import Engine

RATES = (0.01, 0.02, 0.05, 0.1, 0.2)


def evidence(engine: Engine, text: str) -> tuple[float, dict[float, float]]:
    """(weighted candidate words, {rate: summed evidence in nats}), as ``Engine._fit_channel`` sums it."""
    sentences = [s for _, s in engine._sentences(text, lambda: False)]
    pairs, thesaurus, moby = [], [], []
    for s in sentences:
        pairs += zip(s.slots, engine._observed_gains(s))
        by_thesaurus, by_moby = engine._spin_explanations(s)
        thesaurus += by_thesaurus
        moby += by_moby
    weights = evidence_weights(repeats(pairs))
    t, m = np.asarray(thesaurus), np.asarray(moby)
    share = moby_share(t, m, weights)
    only = eligibility(t, share)
    s = np.where(only < 1.0, m, (1.0 - share) * t + share * m)
    engine.forget_texts()
    return float((weights * only).sum()), {r: float((weights * np.log(1 - r * only + r * only * s)).sum())
                                           for r in RATES}


def main() -> None:
    engine = Engine()
    print("document".ljust(44), "words".rjust(7), *(f"at {r}".rjust(8) for r in RATES))
    for pattern in sys.argv[1:]:
        for name in sorted(glob.glob(pattern)) or [pattern]:
            path = Path(name)
            n, by_rate = evidence(engine, path.read_text(encoding="utf-8"))
            label = f"{path.parent.name}/{path.name}"[-44:]
            print(label.ljust(44), f"{n:7.0f}", *(f"{100 * v / max(n, 1):8.2f}" for v in by_rate.values()))


if __name__ == "__main__":
    main()
