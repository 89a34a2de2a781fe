"""One table of unspin's quality: every spinner style, the dev article, mixed documents, clean genres,
and a reliability table of its confidence.

    python benchmarks/table.py [--quick] [--styles a,b] [--json | --markdown] [--keep DIR] [--jobs 1]
                               [--model trigram|neural]
    python benchmarks/table.py --from-json RESULT.json [--markdown]

Builds synthetic spun sets in a temporary folder (never in the project) with
``benchmarks/spinner.py``, runs ``unspin check --format json`` once over every
file, and scores each group with the functions of ``../shared/eval/score.py``,
the scorer of the hidden benchmark.  Groups:

* styles: Wikipedia articles of ``../shared/eval/dev/clean`` spun in each style
  (P, R, F1, restore); without ``--quick`` also the first text of each genre
  under ``benchmarks/corpus/`` (rows ``genres STYLE``);
* dev: the real spun article ``../shared/eval/dev/seed.spun.txt``;
* mixed: a spun section inside clean text and clean text inside spun text;
* clean genres: ``benchmarks/corpus/<genre>/*.txt`` and the dev Wikipedia
  articles (false alarms per 1,000 words, and the worst document's rate);
* reliability: findings on spun documents (styles pooled), binned by confidence,
  against the share of them that are on a replaced word.

``--quick`` uses a few short articles per style and is meant to be run after
every change to the engine; the full run spins more articles.  ``--keep DIR``
leaves the generated sets in DIR for ``score.py`` or a closer look.
"""
from __future__ import annotations

import argparse
import importlib.util
import inspect
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
CLEAN_WIKI = EVAL / "dev" / "clean"
CORPUS = HERE / "corpus"
sys.path.insert(0, str(HERE))
spinner = importlib.import_module("spinner")

QUICK_FILES = ["wiki02", "wiki04", "wiki06", "wiki25"]
FULL_FILES = ["wiki00", "wiki02", "wiki03", "wiki04", "wiki06", "wiki07", "wiki09", "wiki10", "wiki13", "wiki15",
              "wiki16", "wiki20", "wiki24", "wiki25", "wiki30"]
BINS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)


@dataclass
class Doc:
    """One file to check: its group, and its gold (None for clean prose)."""

    group: str
    path: Path
    gold: Path | None = None


@dataclass
class Plan:
    docs: list[Doc] = field(default_factory=list)
    clean_words: dict[str, int] = field(default_factory=dict)

    def add(self, group: str, path: Path, gold: Path | None = None) -> None:
        self.docs.append(Doc(group, path, gold))


def load_scorer():
    """The hidden benchmark's scorer, imported from ../shared/eval/score.py."""
    path = EVAL / "score.py"
    if not path.exists():
        sys.exit(f"table: scorer not found: {path}")
    spec = importlib.util.spec_from_file_location("unspin_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _join(parts: list[tuple[str, list[dict] | None]]) -> tuple[str, list[dict]]:
    """Concatenate sections (text, gold or None for clean) as lines; shift each section's gold lines."""
    text, gold, line = [], [], 0
    for section, section_gold in parts:
        section = section.rstrip("\n") + "\n"
        for g in section_gold or []:
            gold.append({**g, "line": g["line"] + line})
        text.append(section)
        line += section.count("\n")
    return "".join(text), gold


def _write(folder: Path, name: str, text: str, gold: list[dict]) -> tuple[Path, Path]:
    spun, gold_path = folder / f"{name}.spun.txt", folder / f"{name}.gold.json"
    spun.write_text(text, encoding="utf-8")
    gold_path.write_text(json.dumps(gold, indent=0), encoding="utf-8")
    return spun, gold_path


def build_styles(plan: Plan, work: Path, styles: list[str], files: list[str]) -> None:
    for style in styles:
        folder = work / "styles" / style
        folder.mkdir(parents=True)
        for k, name in enumerate(files):
            spun, gold = spinner.spin_file(CLEAN_WIKI / f"{name}.txt", folder / name, style, seed=k)
            plan.add(f"style {style}", spun, gold)


def build_genre_styles(plan: Plan, work: Path, styles: list[str]) -> None:
    """Each style over other genres than Wikipedia: the first text of each genre under benchmarks/corpus/."""
    sources = [files[0] for files in (sorted(g.glob("*.txt")) for g in sorted(CORPUS.iterdir()) if g.is_dir())
               if files] if CORPUS.exists() else []
    for style in styles:
        folder = work / "genres" / style
        folder.mkdir(parents=True)
        for k, src in enumerate(sources):
            spun, gold = spinner.spin_file(src, folder / src.stem, style, seed=100 + k)
            plan.add(f"genres {style}", spun, gold)


def build_mixed(plan: Plan, work: Path, quick: bool) -> None:
    """A spun section inside clean text, and clean text inside spun text, at several lengths."""
    folder = work / "mixed"
    folder.mkdir(parents=True)
    dev_text = (EVAL / "dev" / "seed.spun.txt").read_text(encoding="utf-8")
    dev_gold = json.loads((EVAL / "dev" / "seed.gold.json").read_text(encoding="utf-8"))
    wiki = {n: (CLEAN_WIKI / f"{n}.txt").read_text(encoding="utf-8") for n in
            ("wiki01", "wiki05", "wiki11", "wiki12", "wiki17", "wiki21", "wiki09", "wiki23")}

    def add(name: str, parts: list[tuple[str, list[dict] | None]]) -> None:
        text, gold = _join(parts)
        plan.add(f"mixed {name}", *_write(folder, name, text, gold))

    add("1clean+dev", [(wiki["wiki01"], None), (dev_text, dev_gold)])
    add("4clean+dev", [(wiki[n], None) for n in ("wiki01", "wiki05", "wiki09", "wiki21")] + [(dev_text, dev_gold)])
    # One spun paragraph (consistent style, about 25 %) in the middle of a long clean document.
    para = _paragraphs(wiki["wiki17"])[3]
    spun_para, para_gold = spinner.Spinner(None, "consistent", 7).spin(para)
    long_clean = _paragraphs(wiki["wiki11"]) + _paragraphs(wiki["wiki12"])
    half = len(long_clean) // 2
    add("spun-para-in-clean", [("\n".join(long_clean[:half]), None), (spun_para, para_gold),
                               ("\n".join(long_clean[half:]), None)])
    # The dev article's first paragraphs (a real spinner) inside a long clean document.
    dev_paras = dev_text.split("\n")
    head_text = "\n".join(dev_paras[:2])
    head_gold = [g for g in dev_gold if g["line"] < 2]
    add("dev-para-in-clean", [("\n".join(long_clean[:half]), None), (head_text, head_gold),
                              ("\n".join(long_clean[half:]), None)])
    # A clean article between two spun ones.
    a, a_gold = spinner.Spinner(None, "consistent", 11).spin(wiki["wiki23"])
    b, b_gold = spinner.Spinner(None, "consistent", 12).spin(wiki["wiki12"])
    add("clean-in-spun", [(a, a_gold), (wiki["wiki09"], None), (b, b_gold)])
    if not quick:
        add("1clean+dev-long", [(wiki["wiki11"], None), (dev_text, dev_gold)])


TECHNICAL_MODULES = ("argparse", "json", "subprocess", "logging", "unittest", "email.message", "http.client",
                     "asyncio.events", "threading", "multiprocessing.pool", "decimal", "tarfile", "zipfile",
                     "smtplib", "imaplib", "ftplib", "urllib.request", "collections", "functools", "pathlib",
                     "datetime", "shutil", "tempfile", "socket", "ssl", "sqlite3", "typing", "inspect")
LICENCES = Path("/usr/share/common-licenses")


def _docstring_paragraphs(module_names: tuple[str, ...]) -> list[str]:
    """Prose paragraphs (30+ words, no code) of the docstrings of these standard-library modules."""
    paragraphs = []
    for name in module_names:
        module = importlib.import_module(name)
        objects = [module] + [v for _, v in sorted(vars(module).items())
                              if (inspect.isclass(v) or inspect.isfunction(v)) and v.__module__ == name]
        objects += [m for c in objects if inspect.isclass(c) for _, m in sorted(vars(c).items())
                    if inspect.isfunction(m)]
        for obj in objects:
            for para in re.split(r"\n\s*\n", inspect.getdoc(obj) or ""):
                flat = " ".join(para.split())
                if len(flat.split()) >= 30 and ">>>" not in flat and not re.search(r"[{}=]|\(\)", flat):
                    paragraphs.append(flat)
    return list(dict.fromkeys(paragraphs))


def _chunks(paragraphs: list[str], words: int) -> list[str]:
    out, cur, n = [], [], 0
    for p in paragraphs:
        cur.append(p)
        n += len(p.split())
        if n >= words:
            out.append("\n".join(cur) + "\n")
            cur, n = [], 0
    if cur:
        out.append("\n".join(cur) + "\n")
    return out


def build_clean(plan: Plan, work: Path, quick: bool) -> None:
    """Clean prose: the dev Wikipedia articles, every genre under benchmarks/corpus/, and the genres read
    where they are installed (science sentences in ../shared, licences, standard-library docstrings)."""
    limit = 3 if quick else None
    wiki_files = sorted(CLEAN_WIKI.glob("*.txt"))
    if quick:
        wiki_files = [f for f in wiki_files if f.stem in ("wiki03", "wiki07", "wiki13", "wiki19", "wiki29")]
    for f in wiki_files:
        plan.add("clean wikipedia", f)
    for genre in sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.exists() else []:
        for f in sorted((CORPUS / genre).glob("*.txt"))[:limit]:
            plan.add(f"clean {genre}", f)
    for f in sorted((EVAL / "tortured" / "clean").glob("*.txt"))[:limit]:
        plan.add("clean science", f)
    for name in ("GPL-3", "Apache-2.0", "MPL-2.0")[:limit]:
        if (LICENCES / name).exists():
            plan.add("clean legal-modern", LICENCES / name)
    folder = work / "clean"
    folder.mkdir(parents=True)
    for k, text in enumerate(_chunks(_docstring_paragraphs(TECHNICAL_MODULES), 2500)[:limit]):
        path = folder / f"stdlib-docstrings-{k}.txt"
        path.write_text(text, encoding="utf-8")
        plan.add("clean technical", path)


def run_unspin(paths: list[Path], jobs: int, model: str) -> dict[str, list[dict]]:
    """``unspin check --format json`` over every file in one command, with ``jobs`` processes and, where
    the CLI has the option, ``--model model`` (engines before it had the trigram model only)."""
    code = (f"import os, sys; os.cpu_count = lambda: {jobs}; sys.argv[0] = 'unspin'; "
            "from unspin.cli import main; sys.exit(main())")
    command = [sys.executable, "-c", code, "check"]
    usage = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False).stdout
    if "--model" in usage:
        command += ["--model", model]
    elif model != "trigram":
        sys.exit(f"table: this unspin has no --model option; it cannot run --model {model}")
    proc = subprocess.run([*command, "--format", "json", *map(str, paths)],
                          capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"table: unspin check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return {str(Path(f["path"]).resolve()): f["findings"] for f in json.loads(proc.stdout)["files"]}


def on_replaced(scorer, text: str, gold: list[dict], findings: list[dict]) -> list[bool | None]:
    """Per finding, whether it lies on a replaced token, matched as score.py matches them; None where it
    covers only tokens the gold ignores (such a finding counts neither way)."""
    starts = scorer.line_starts(text)
    toks = [(starts[i] + m.start(), starts[i] + m.end())
            for i, line in enumerate(text.split("\n")) for m in scorer.TOKEN.finditer(line)]
    status = {}
    for g in gold:
        a = starts[g["line"]] + g["col"]
        status[(a, a + len(g["word"]))] = g["status"]
    out: list[bool | None] = []
    for f in findings:
        a, b = scorer.finding_span(f, starts)
        covered = [status.get(t, "clean") for t in toks if t[0] < b and a < t[1]]
        out.append(None if covered and all(s == "ignore" for s in covered) else "sub" in covered)
    return out


def _reliability_rows(scorer, text: str, gold: list[dict], findings: list[dict]) -> list[tuple[float, bool]]:
    """(confidence, on a replaced token) of each finding that counts."""
    return [(float(f.get("confidence", 0.0)), right)
            for f, right in zip(findings, on_replaced(scorer, text, gold, findings)) if right is not None]


def score(plan: Plan, results: dict[str, list[dict]], scorer) -> dict:
    groups: dict[str, list[dict]] = {}
    worst: dict[str, tuple[float, str]] = {}
    reliability: list[tuple[float, bool]] = []
    for doc in plan.docs:
        text = doc.path.read_text(encoding="utf-8")
        gold = json.loads(doc.gold.read_text(encoding="utf-8")) if doc.gold else []
        findings = results[str(doc.path.resolve())]
        row = scorer.score_doc(text, gold, findings)
        groups.setdefault(doc.group, []).append(row)
        if doc.gold is None:
            rate = 1000 * row["fp"] / row["words"] if row["words"] else 0.0
            if rate >= worst.get(doc.group, (-1.0, ""))[0]:
                worst[doc.group] = (rate, doc.path.name)
        elif doc.group.startswith(("style ", "genres ")):
            reliability += _reliability_rows(scorer, text, gold, findings)
    out = {"groups": {}, "reliability": []}
    for group, rows in groups.items():
        summary = scorer.summarize(rows)
        summary["documents"] = len(rows)
        if group in worst:
            summary["worst_alarms_per_1k_words"] = round(worst[group][0], 3)
            summary["worst_document"] = worst[group][1]
        out["groups"][group] = summary
    for lo, hi in itertools.pairwise(BINS):
        inside = [ok for c, ok in reliability if lo <= c < hi]
        confs = [c for c, _ in reliability if lo <= c < hi]
        if inside:
            out["reliability"].append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "findings": len(inside),
                                       "mean_confidence": round(sum(confs) / len(confs), 3),
                                       "share_correct": round(sum(inside) / len(inside), 3)})
    if reliability:  # expected calibration error: the findings' mean |confidence - share right| over the bins
        out["calibration_error"] = round(sum(r["findings"] * abs(r["mean_confidence"] - r["share_correct"])
                                             for r in out["reliability"]) / len(reliability), 3)
    return out


def print_table(result: dict) -> None:
    groups = result["groups"]
    spun = [g for g in groups if not g.startswith("clean ")]
    print(f"{'set':32s} {'docs':>4s} {'words':>7s} {'P':>6s} {'R':>6s} {'F1':>6s} {'restore':>7s} {'FP':>5s}")
    for g in spun:
        s = groups[g]
        print(f"{g:32s} {s['documents']:4d} {s['words']:7d} {s['precision']:6.3f} {s['recall']:6.3f} "
              f"{s['f1']:6.3f} {s['restore']:7.3f} {s['fp']:5d}")
    clean = [g for g in groups if g.startswith("clean ")]
    if clean:
        print()
        print(f"{'clean genre':32s} {'docs':>4s} {'words':>7s} {'alarms/1k':>9s} {'worst/1k':>8s}  worst document")
    for g in clean:
        s = groups[g]
        print(f"{g:32s} {s['documents']:4d} {s['words']:7d} {s['alarms_per_1k_words']:9.3f} "
              f"{s['worst_alarms_per_1k_words']:8.3f}  {s['worst_document']}")
    print()
    print("reliability (findings on spun documents, styles pooled)")
    print(f"{'confidence':12s} {'findings':>8s} {'mean conf':>9s} {'correct':>8s}")
    for r in result["reliability"]:
        print(f"{r['bin']:12s} {r['findings']:8d} {r['mean_confidence']:9.3f} {r['share_correct']:8.3f}")
    if "calibration_error" in result:
        print(f"calibration error (mean |confidence - share correct| by bin): {result['calibration_error']:.3f}")
    print(f"\n{result['seconds']['build']:.0f} s to build the sets, {result['seconds']['check']:.0f} s to check them")


def print_markdown(result: dict) -> None:
    """The same tables in Markdown, for docs/benchmarks.md and the README."""
    groups = result["groups"]
    print("| set | words | P | R | F1 | restore | false positives |\n| --- | --- | --- | --- | --- | --- | --- |")
    for g, s in groups.items():
        if not g.startswith("clean "):
            print(f"| {g} | {s['words']:,} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                  f"{s['restore']:.3f} | {s['fp']} |")
    print("\n| clean genre | documents | words | alarms per 1k words | worst document (per 1k) |\n"
          "| --- | --- | --- | --- | --- |")
    for g, s in groups.items():
        if g.startswith("clean "):
            print(f"| {g[6:]} | {s['documents']} | {s['words']:,} | {s['alarms_per_1k_words']:.2f} | "
                  f"{s['worst_document']} ({s['worst_alarms_per_1k_words']:.1f}) |")
    print("\n| confidence | findings | mean confidence | share correct |\n| --- | --- | --- | --- |")
    for r in result["reliability"]:
        print(f"| {r['bin']} | {r['findings']} | {r['mean_confidence']:.3f} | {r['share_correct']:.3f} |")
    if "calibration_error" in result:
        print(f"\nCalibration error (mean |confidence - share correct| by bin): {result['calibration_error']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a few short articles per set: minutes, not more")
    ap.add_argument("--styles", help=f"comma-separated spinner styles (default: all of {', '.join(spinner.STYLES)})")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ap.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    ap.add_argument("--from-json", type=Path, help="print the tables of an earlier --json result; run nothing")
    ap.add_argument("--keep", type=Path, help="write the generated sets to this folder and keep them")
    ap.add_argument("--jobs", type=int, default=1, help="processes for unspin check (default 1)")
    ap.add_argument("--model", choices=("trigram", "neural"), default="trigram",
                    help="unspin check --model: trigram (default here: the engine's findings alone, minutes "
                         "not hours) or neural (the CLI's default: phase 2 re-ranks suggestions and finds "
                         "tortured phrases; about 30 s of CPU per 1,000 spun words)")
    ap.add_argument("--no-mixed", action="store_true", help="skip the mixed documents")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean genres")
    args = ap.parse_args()
    if args.from_json:
        try:
            result = json.loads(args.from_json.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            sys.exit(f"table: cannot read {args.from_json}: {exc}")
        (print_markdown if args.markdown else print_table)(result)
        return
    styles = args.styles.split(",") if args.styles else list(spinner.STYLES)
    unknown = [s for s in styles if s not in spinner.STYLES]
    if unknown:
        ap.error(f"unknown style(s) {', '.join(unknown)}; choose from {', '.join(spinner.STYLES)}")
    if not CLEAN_WIKI.exists():
        sys.exit(f"table: development data not found: {CLEAN_WIKI}")
    scorer = load_scorer()

    work = args.keep or Path(tempfile.mkdtemp(prefix="unspin-table-"))
    if args.keep and work.exists() and any(work.iterdir()):
        sys.exit(f"table: --keep folder is not empty: {work}")
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.monotonic()
        plan = Plan()
        build_styles(plan, work, styles, QUICK_FILES if args.quick else FULL_FILES)
        if not args.quick:
            build_genre_styles(plan, work, styles)
        plan.add("dev article", EVAL / "dev" / "seed.spun.txt", EVAL / "dev" / "seed.gold.json")
        if not args.no_mixed:
            build_mixed(plan, work, args.quick)
        if not args.no_clean:
            build_clean(plan, work, args.quick)
        built = time.monotonic()
        results = run_unspin([d.path for d in plan.docs], args.jobs, args.model)
        checked = time.monotonic()
        result = score(plan, results, scorer)
        result["seconds"] = {"build": round(built - start, 1), "check": round(checked - built, 1)}
        result["quick"] = args.quick
        result["model"] = args.model
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    elif args.markdown:
        print_markdown(result)
    else:
        print_table(result)


if __name__ == "__main__":
    main()
