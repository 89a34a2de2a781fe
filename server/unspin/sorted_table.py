"""Read-only lookup in a gzipped TSV whose lines are sorted by their first field.

The shipped tables are looked up a few thousand times per document but hold
hundreds of thousands of lines; parsing them into dictionaries cost a third
of a second and tens of megabytes per process.  Instead the decompressed bytes
are kept as they are, with the key of the first line after every ``STRIDE``
bytes as a sparse index: a lookup bisects the index, then the lines between
two index points.
"""
from __future__ import annotations

import bisect
import gzip
from collections.abc import Iterator
from importlib import resources

STRIDE = 1024


class SortedTable:
    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._starts: list[int] = []
        self._keys: list[bytes] = []
        pos = 0
        while pos < len(blob):
            self._starts.append(pos)
            self._keys.append(self._key(pos))
            end = blob.find(b"\n", pos + STRIDE)
            pos = len(blob) if end < 0 else end + 1

    @classmethod
    def packaged(cls, name: str) -> "SortedTable":
        """A table from the package's ``data`` folder."""
        with (resources.files("unspin") / "data" / name).open("rb") as fh:
            return cls(gzip.decompress(fh.read()))

    def rows(self, key: str, fields: int | None = None) -> list[list[str]]:
        """The fields after the key (the first ``fields`` of them) of every line keyed ``key``, in file order."""
        blob, target = self._blob, key.encode("utf-8")
        i = bisect.bisect_left(self._keys, target)
        lo = self._starts[i - 1] if i else 0
        hi = self._starts[i] if i < len(self._starts) else len(blob)
        # lo is always a line start; the first line with key >= target starts in [lo, hi]
        while lo < hi:
            start = blob.rfind(b"\n", 0, (lo + hi) // 2) + 1
            if self._key(start) < target:
                end = blob.find(b"\n", start)
                lo = len(blob) if end < 0 else end + 1
            else:
                hi = start
        out = []
        while lo < len(blob) and self._key(lo) == target:
            end = blob.find(b"\n", lo)
            end = len(blob) if end < 0 else end
            line = blob[lo:end].decode("utf-8")
            out.append(line.split("\t")[1:] if fields is None else line.split("\t", fields + 1)[1: fields + 1])
            lo = end + 1
        return out

    def _key(self, start: int) -> bytes:
        tab = self._blob.find(b"\t", start)
        return self._blob[start:tab]

    def items(self) -> Iterator[tuple[str, str]]:
        """(key, rest of the line) for every line, in order: a full scan, for small tables and tools."""
        for line in self._blob.decode("utf-8").splitlines():
            key, _, rest = line.partition("\t")
            yield key, rest
