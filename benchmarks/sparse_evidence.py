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

from unspin.channel import eligibility, evidence_weights, moby_share, repeats, spin_log_likelihoods
from unspin.engine import Engine

RATES = (0.01, 0.02, 0.05, 0.1, 0.2)


def evidence(engine: Engine, text: str) -> tuple[float, dict[float, float]]:
    """(weighted candidate words, {rate: summed evidence in nats}), as ``Engine._fit_channel`` sums it."""
    sentences = [s for _, s in engine._sentences(text, lambda: False)]
    pairs, thesaurus, moby = engine._slot_evidence(sentences, lambda: False)
    engine.forget_texts()
    weights = evidence_weights(repeats(pairs))
    share = moby_share(thesaurus, moby, weights)
    n = float((weights * eligibility(thesaurus, share)).sum())
    return n, {r: float(weights @ spin_log_likelihoods(thesaurus, moby, share, r)) for r in RATES}


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
