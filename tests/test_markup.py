"""Markup extraction shared by the CLI and the server: only prose reaches the engine, offsets unchanged."""
import pytest

from unspin import markup

PROSE = "Officials said helium volition not beryllium able to attend the meeting."


def kept(view: str, text: str, part: str) -> bool:
    """Every occurrence of ``part`` in ``text`` is unchanged in ``view``."""
    start = text.find(part)
    assert start != -1
    while start != -1:
        if view[start:start + len(part)] != part:
            return False
        start = text.find(part, start + 1)
    return True


@pytest.mark.parametrize("language, line", [
    ("latex", "% a comment"),
    ("markdown", "    indented = code"),
    ("markdown", "[ref]: https://example.com/page"),
    ("asciidoc", ":toc:"),
    ("asciidoc", "// a comment"),
    ("restructuredtext", ".. note::"),
    ("restructuredtext", ".. comment in rst"),
    ("gitcommit", "# Please enter the commit message"),
])
def test_one_markup_line_leaves_the_rest_of_the_document_prose(language, line):
    text = f"{PROSE}\n\n{line}\n\n{PROSE}\n\nThe end of it all.\n"
    view = markup.prose_view(text, language)
    assert len(view) == len(text)
    assert kept(view, text, PROSE) and kept(view, text, "The end of it all.")
    at = text.index(line)
    assert view[at:at + len(line)].strip() == ""  # the markup itself is blanked


def test_markdown_front_matter_with_crlf_is_not_prose():
    text = "---\r\ntitle: Helium volition\r\ntags: [beryllium]\r\n---\r\n\r\n" + PROSE + "\r\n"
    view = markup.prose_view(text, "markdown")
    assert "volition" not in view[:view.index(PROSE)] and "beryllium" not in view[:view.index(PROSE)]
    assert kept(view, text, PROSE) and view.count("\r\n") == text.count("\r\n")


def test_multi_line_constructs_are_still_skipped_whole():
    md = f"{PROSE}\n\n```python\nhelium = 1\n\nvolition = 2\n```\n\n<!-- helium\nvolition -->\n{PROSE}\n"
    view = markup.prose_view(md, "markdown")
    assert view.count("helium") == 2 and view.count("volition") == 2 and kept(view, md, PROSE)
    tex = f"{PROSE}\n\\begin{{equation}}\nhelium % x\n\\end{{equation}}\n$$a\nb$$ {PROSE}\n"
    view = markup.prose_view(tex, "latex")
    assert view.count("helium") == 2 and kept(view, tex, PROSE)
    py = 'def f():\n    """Helium volition\n    beryllium."""\n    x = helium  # not beryllium\n'
    view = markup.prose_view(py, "python")
    assert "Helium volition" in view and "beryllium." in view and "x =" not in view and "not beryllium" in view


def test_markdown_indented_lines_inside_a_paragraph_are_prose():
    text = f"{PROSE}\n    wrapped helium volition line.\n"
    assert kept(markup.prose_view(text, "markdown"), text, "wrapped helium volition line.")


def test_rst_admonition_body_is_prose_but_code_is_not():
    text = f".. note::\n\n   {PROSE}\n\n.. code-block:: python\n\n   helium = volition\n\n{PROSE}\n"
    view = markup.prose_view(text, "restructuredtext")
    assert view.count(PROSE) == 2 and "helium =" not in view and "note::" not in view


@pytest.mark.parametrize("path, language", [
    ("a/doc.md", "markdown"), ("x.MARKDOWN", "markdown"), ("paper.tex", "latex"), ("README.rst", "restructuredtext"),
    ("page.html", "html"), ("guide.adoc", "asciidoc"), (".git/COMMIT_EDITMSG", "gitcommit"), ("tool.py", "python"),
    ("notes.txt", "plaintext"), ("LICENSE", "plaintext"), ("data.weird", "plaintext"),
])
def test_language_from_the_file_name(path, language):
    assert markup.language_for_path(path) == language


def test_prose_paths_exclude_source_code():
    assert markup.is_prose_path("a.md") and markup.is_prose_path("b.txt") and not markup.is_prose_path("c.py")


def test_editor_aliases():
    assert markup.canonical_language("tex") == "latex" and markup.canonical_language("rst") == "restructuredtext"
    assert markup.is_source_language("typescript") and not markup.is_source_language("markdown")


# -- one sentence splitter for the engine and the server ------------------------------------------------
def test_sentence_span_is_the_engines():
    from unspin.tokens import sentence_span, sentence_spans, tokenize

    text = "Officials met Mr. Page and the mayor. They said helium volition.\n\nNext one here!"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Officials met Mr. Page and the mayor.", "They said helium volition.", "Next one here!"]
    assert sentence_span(text, text.index("Page")) == spans[0]
    assert sentence_span(text, text.index("helium")) == spans[1]
    assert sentence_span(text, len(text)) == spans[2]
    # the engine groups the same tokens: one sentence id per span
    for a, b in spans:
        assert len({t.sentence for t in tokenize(text[a:b])}) == 1


def test_server_restores_the_engines_sentence():
    from unspin.lsp.state import DocumentState

    text = "Officials met Mr. Page and the mayor. They said helium volition."
    state = DocumentState("file:///x.txt", text=text)
    assert state.sentence_span(text.index("Page")) == (0, text.index(" They"))
