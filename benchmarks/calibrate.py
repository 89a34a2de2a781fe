"""Fit the map from the engine's posterior to a calibrated confidence (``server/unspin/calibration.py``).

    python benchmarks/calibrate.py [--threshold 0.05] [--bins ...]

Spins the Wikipedia articles of ``../shared/eval/dev/clean`` that the table's full run uses but its quick
run does not (so the quick table's reliability rows are held out) in every style of
``benchmarks/spinner.py``, seeded as the table seeds them; never the dev spun article.  Runs the
trigram engine with calibration off, keeps every finding at posterior >= ``--threshold``, marks it
right when it lies on a replaced token (as ``score.py`` and the table's reliability rows match them),
fits an isotonic (pool-adjacent-violators) regression of right on posterior, and prints the knots to
paste into ``calibration.py``: per bin of posteriors, the bin's mean posterior and the fit's mean there.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))
import table  # noqa: E402

FIT_FILES = [name for name in table.FULL_FILES if name not in table.QUICK_FILES]
EDGES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0001)


def isotonic(ys: list[float]) -> list[float]:
    """Pool-adjacent-violators: the non-decreasing sequence closest to ``ys`` (least squares)."""
    blocks: list[list[float]] = []  # [mean, count]
    for y in ys:
        blocks.append([y, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, n2 = blocks.pop()
            m1, n1 = blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    out: list[float] = []
    for m, n in blocks:
        out += [m] * int(n)
    return out


def rows(threshold: float) -> list[tuple[float, bool]]:
    import json

    from unspin.engine import Engine, EngineSettings

    engine = Engine(EngineSettings(calibrated=False))
    scorer = table.load_scorer()
    plan = table.Plan()
    out: list[tuple[float, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        table.build_styles(plan, Path(tmp), list(table.spinner.STYLES), FIT_FILES)
        for doc in plan.docs:
            text = doc.path.read_text(encoding="utf-8")
            gold = json.loads(doc.gold.read_text(encoding="utf-8"))
            findings = [{"offset": f.start, "length": f.end - f.start, "confidence": f.confidence}
                        for f in engine.analyze(text, threshold)]
            out += table._reliability_rows(scorer, text, gold, findings)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=0.05)
    args = ap.parse_args()
    found = sorted(rows(args.threshold))
    fitted = isotonic([float(ok) for _, ok in found])
    xs, ys = [0.0], [0.0]
    print(f"{len(found)} findings over {len(FIT_FILES)} articles x {len(table.spinner.STYLES)} styles")
    print(f"{'posterior':>14s} {'findings':>8s} {'mean':>6s} {'right':>6s} {'fit':>6s}")
    for lo, hi in zip(EDGES, EDGES[1:]):
        inside = [i for i, (p, _) in enumerate(found) if lo <= p < hi]
        if not inside:
            continue
        mean = sum(found[i][0] for i in inside) / len(inside)
        right = sum(found[i][1] for i in inside) / len(inside)
        fit = sum(fitted[i] for i in inside) / len(inside)
        print(f"{lo:6.3f}-{min(hi, 1.0):6.3f} {len(inside):8d} {mean:6.3f} {right:6.3f} {fit:6.3f}")
        xs.append(round(mean, 4))
        ys.append(round(fit, 3))
    print(f"POSTERIOR = {tuple(xs)}\nCALIBRATED = {tuple(ys)}")


if __name__ == "__main__":
    main()
