from unspin.sorted_table import SortedTable


def test_lookup_finds_every_key_and_only_its_rows():
    words = sorted({f"w{i:05d}" for i in range(3000)} | {"a", "a-b", "ab", "é", "zz"})
    lines, expected = [], {}
    for k, word in enumerate(words):
        rows = [[f"p{j}", f"{word}:{j}"] for j in range(1 + k % 3)]  # some keys span several lines
        expected[word] = rows
        lines += ["\t".join([word, *row]) for row in rows]
    table = SortedTable("\n".join(lines).encode("utf-8") + b"\n")
    for word in words:
        assert table.rows(word) == expected[word]
    for missing in ["", "0", "a-a", "w00000x", "w99999", "zzz", "\uffff"]:
        assert table.rows(missing) == []
    assert table.rows("w00002", fields=1) == [["p0"], ["p1"], ["p2"]]
    assert sorted({key for key, _ in table.items()}) == words
