"""Which parts of a document are prose.

``prose_view`` returns the text with everything that is not prose blanked
out by spaces (line breaks kept), so every offset the engine reports is an
offset into the original document.
"""
from __future__ import annotations

import re

_URL = r"(?:https?://|www\.)\S+"
_MARKUP_SKIP = {
    "markdown": [
        r"\A---\n.*?\n---[ \t]*\n",  # front matter
        r"^(?P<fence>```|~~~).*?^(?P=fence)[^\n]*$",  # fenced code
        r"`[^`\n]+`",  # inline code
        r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",  # link targets
        r"^\[[^\]]+\]:\s*\S+.*$",  # reference definitions
        r"<!--.*?-->", r"</?[A-Za-z][^>\n]*>",  # comments, HTML tags
        r"^(?: {4}|\t).*$",  # indented code
        _URL,
    ],
    "latex": [
        r"(?<!\\)%.*$",  # comments
        r"\\begin\{(?P<env>verbatim|lstlisting|minted|equation\*?|align\*?|gather\*?|displaymath|math|tabular)\}"
        r".*?\\end\{(?P=env)\}",
        r"\$\$.*?\$\$", r"(?<!\\)\$[^$]*?(?<!\\)\$", r"\\\[.*?\\\]", r"\\\(.*?\\\)",
        r"\\(?:cite[a-z]*|ref|eqref|label|url|href|input|include|usepackage|documentclass|begin|end|"
        r"includegraphics|bibliography|bibliographystyle)\*?(?:\[[^\]]*\])*\{[^}]*\}",
        r"\\[A-Za-z@]+\*?(?:\[[^\]]*\])?",  # other commands; their {arguments} stay prose
        _URL,
    ],
    "restructuredtext": [
        r"``[^`]+``", r"`[^`]*`_*", r"^\.\. .*$(?:\n(?:[ \t]+.*)?$)*", r"::\n(?:\n|[ \t]+.*\n)+", r":[a-z]+:",
        _URL,
    ],
    "html": [
        r"<!--.*?-->", r"<(?P<tag>script|style|pre|code)\b.*?</(?P=tag)>", r"<[^>]*>", r"&#?\w+;", _URL,
    ],
    "asciidoc": [
        r"^(?P<delim>-{4,}|\.{4,}|\+{4,}|/{4,})$.*?^(?P=delim)$", r"`[^`\n]+`", r"^:[^:\n]+:.*$",
        r"^//.*$", r"\b(?:link|image|include|xref)::?\S*\[", _URL,
    ],
    "gitcommit": [r"^#.*$", r"^diff --git.*\Z", _URL],
    "plaintext": [_URL],
}
_ALIASES = {"tex": "latex", "plaintex": "latex", "rst": "restructuredtext", "git-commit": "gitcommit",
            "text": "plaintext", "mail": "plaintext", "xhtml": "html", "md": "markdown", "adoc": "asciidoc"}

# Source files: only comments and string literals are prose.
_HASH_COMMENT = r"#[^\n]*"
_SLASH_COMMENTS = [r"//[^\n]*", r"/\*.*?\*/"]
_STRINGS = [r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'"]
_SOURCE_PROSE = {
    "python": [r'""".*?"""', r"'''.*?'''", _HASH_COMMENT, *_STRINGS],
    "shellscript": [_HASH_COMMENT, *_STRINGS],
    "ruby": [_HASH_COMMENT, *_STRINGS],
    "r": [_HASH_COMMENT, *_STRINGS],
    "yaml": [_HASH_COMMENT],
    "toml": [_HASH_COMMENT],
    "lua": [r"--\[\[.*?\]\]", r"--[^\n]*", *_STRINGS],
    "sql": [r"--[^\n]*", r"/\*.*?\*/", *_STRINGS],
    "haskell": [r"\{-.*?-\}", r"--[^\n]*", _STRINGS[0]],
}
for _lang in ("c", "cpp", "csharp", "java", "javascript", "typescript", "javascriptreact", "typescriptreact",
              "go", "rust", "swift", "kotlin", "scala", "php", "dart"):
    _SOURCE_PROSE[_lang] = [*_SLASH_COMMENTS, r"`(?:[^`\\]|\\.)*`", *_STRINGS]

_FLAGS = re.MULTILINE | re.DOTALL
_COMPILED = {k: re.compile("|".join(f"(?:{p})" for p in v), _FLAGS)
             for k, v in {**_MARKUP_SKIP, **_SOURCE_PROSE}.items()}
_MARKER = re.compile(r"unspin:\s*(disable|enable|ignore-next-line)\b")
_CODE_ESCAPES = re.compile(r"\\[nrt]|%[sd]|\{\w*\}")


def canonical_language(language_id: str) -> str:
    return _ALIASES.get(language_id, language_id)


def is_source_language(language_id: str) -> bool:
    return canonical_language(language_id) in _SOURCE_PROSE


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def prose_view(text: str, language_id: str) -> str:
    """``text`` with non-prose blanked; inline ``unspin:`` markers are honoured in every language."""
    lang = canonical_language(language_id)
    chars = list(text)
    pattern = _COMPILED.get(lang, _COMPILED["plaintext"])
    if lang in _SOURCE_PROSE:
        pos = 0
        for m in pattern.finditer(text):
            _blank(chars, pos, m.start())
            _blank(chars, m.start(), m.start() + 1)  # the opening quote or comment sign
            pos = m.end()
        _blank(chars, pos, len(text))
        for m in _CODE_ESCAPES.finditer(text):
            _blank(chars, m.start(), m.end())
    else:
        for m in pattern.finditer(text):
            _blank(chars, m.start(), m.end())
    _apply_markers(text, chars)
    return "".join(chars)


def _apply_markers(text: str, chars: list[str]) -> None:
    lines = text.splitlines(keepends=True)
    offset, disabled, skip_next = 0, False, False
    for line in lines:
        m = _MARKER.search(line)
        blank_this = disabled or skip_next
        skip_next = False
        if m:
            blank_this = True
            if m.group(1) == "disable":
                disabled = True
            elif m.group(1) == "enable":
                disabled = False
            else:
                skip_next = True
        if blank_this:
            _blank(chars, offset, offset + len(line))
        offset += len(line)
