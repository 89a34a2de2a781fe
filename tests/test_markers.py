"""Inline markers, on lines as LSP counts them."""
from unspin.markup import prose_view


def test_disable_enable_and_ignore_next_line():
    text = "one helium\n<!-- unspin: disable -->\ntwo helium\n<!-- unspin: enable -->\nthree helium\n" \
           "unspin: ignore-next-line\nfour helium\nfive helium\n"
    view = prose_view(text, "markdown")
    assert len(view) == len(text) and view.count("\n") == text.count("\n")
    kept = [w for w in ("one", "two", "three", "four", "five") if w in view]
    assert kept == ["one", "three", "five"]


def test_marker_in_a_source_comment():
    text = "# unspin: ignore-next-line\nx = 'helium volition'\ny = 'beryllium'\n"
    view = prose_view(text, "python")
    assert "helium" not in view and "beryllium" in view


def test_next_line_is_the_editors_line_whatever_other_separators_it_holds():
    for sep in ("\u2028", "\x0c", "\x85", "\x1e"):
        text = f"unspin: ignore-next-line\nhelium{sep}volition\nberyllium\n"
        view = prose_view(text, "plaintext")
        assert "helium" not in view and "volition" not in view and "beryllium" in view, repr(sep)


def test_cr_only_line_breaks():
    text = "unspin: ignore-next-line\rhelium\rberyllium\r"
    view = prose_view(text, "plaintext")
    assert "helium" not in view and "beryllium" in view and view.count("\r") == 3
