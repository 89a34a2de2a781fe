"""Quality on text spun by our own spinner (benchmarks/spinner.py), in each of its styles.

    python benchmarks/synthetic.py [CLEAN_FOLDER] [--files N]

Spins the first N clean files of the folder with the five settings behind the
README's "own spinner" rows into a temporary folder and scores them with
``../shared/eval/score.py`` (the same scorer as the development data).
``benchmarks/table.py`` covers every style, mixed documents and clean genres in
one table; this script is for spinning a folder of your own.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SCORER = HERE.parents[0].parent / "shared/eval/score.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", default=str(HERE.parents[0].parent / "shared/eval/dev/clean"))
    ap.add_argument("--files", type=int, default=8)
    args = ap.parse_args()
    if not SCORER.exists():
        sys.exit(f"scorer not found: {SCORER}")
    sources = sorted(Path(args.folder).glob("*.txt"))[: args.files]
    runs = (("consistent", 0.25, ""), ("verbatim", 0.25, ""), ("varied", 0.15, ""), ("consistent", 0.08, ""),
            ("consistent", 0.25, "syn,sim"))
    for style, rate, relations in runs:
        with tempfile.TemporaryDirectory() as tmp:
            for k, src in enumerate(sources):
                subprocess.run([sys.executable, str(HERE / "spinner.py"), str(src), f"{tmp}/{src.stem}",
                                "--style", style, "--rate", str(rate), "--seed", str(k),
                                *(["--relations", relations] if relations else [])], check=True)
            out = subprocess.run([sys.executable, str(SCORER), "--json", "--cmd",
                                  f"{sys.executable} -m unspin.cli check --format json", tmp],
                                 capture_output=True, text=True, check=True)
            print(f"{style:10s} rate={rate} {relations or 'all links':9s}: {out.stdout.strip()}")


if __name__ == "__main__":
    main()
