"""Which parts of a document are prose, for every front end.

``prose_view`` returns the text with everything that is not prose blanked out by spaces (line
breaks kept), so every offset the engine reports is an offset into the original document.  The
CLI picks the markup from a file's name (``language_for_path``), the language server from the
editor's languageId; both then read the same view.

Patterns are compiled with ``re.MULTILINE`` only: a construct that may span lines says so
itself with a scoped ``(?s:...)``, so a one-line construct ending in ``.*$`` stops at its line.
"""
from __future__ import annotations

import re
from pathlib import PurePath

from .markers import apply_markers

_URL = r"(?:https?://|www\.)\S+"
_MARKUP_SKIP = {
    "markdown": [
        r"\A---[ \t]*\r?\n(?s:.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)",  # front matter
        r"^[ \t]{0,3}(?P<fence>```+|~~~+)(?s:.*?)^[ \t]{0,3}(?P=fence)[^\n]*$",  # fenced code
        r"`[^`\n]+`",  # inline code
        r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",  # link targets
        r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$",  # reference definitions
        r"(?s:<!--.*?-->)", r"</?[A-Za-z][^>\n]*>",  # comments, HTML tags
        r"(?:\A|^[ \t]*\r?\n)(?:(?: {4}|\t).*(?:\n|\Z)|[ \t]*\r?\n)+",  # indented code after a blank line
        _URL,
    ],
    "latex": [
        r"(?<!\\)%.*$",  # comments
        (r"\\begin\{(?P<env>verbatim|lstlisting|minted|equation\*?|align\*?|gather\*?|displaymath|math|tabular)\}"
         r"(?s:.*?)\\end\{(?P=env)\}"),
        r"(?s:\$\$.*?\$\$)", r"(?<!\\)\$[^$]*?(?<!\\)\$", r"(?s:\\\[.*?\\\])", r"(?s:\\\(.*?\\\))",
        (r"\\(?:cite[a-z]*|ref|eqref|label|url|href|input|include|usepackage|documentclass|begin|end|"
         r"includegraphics|bibliography|bibliographystyle)\*?(?:\[[^\]]*\])*\{[^}]*\}"),
        r"\\[A-Za-z@]+\*?(?:\[[^\]]*\])?",  # other commands; their {arguments} stay prose
        _URL,
    ],
    "restructuredtext": [
        r"``[^`]+``", r"`[^`]*`_*",
        # admonitions hold prose: only their marker goes
        r"^\.\. (?:note|warning|tip|important|caution|danger|attention|hint|error|admonition|seealso)::",
        r"^\.\. .*$(?:\r?\n(?:[ \t]+.*)?$)*",  # other directives and comments, with their indented body
        r"::\r?\n(?:\r?\n|[ \t]+.*\n)+",  # literal blocks
        r":[a-z]+:",
        _URL,
    ],
    "html": [
        r"(?s:<!--.*?-->)", r"(?s:<(?P<tag>script|style|pre|code)\b.*?</(?P=tag)>)", r"<[^>]*>", r"&#?\w+;",
        _URL,
    ],
    "asciidoc": [
        r"^(?P<delim>-{4,}|\.{4,}|\+{4,}|/{4,})\r?$(?s:.*?)^(?P=delim)\r?$", r"`[^`\n]+`", r"^:[^:\n]+:.*$",
        r"^//.*$", r"\b(?:link|image|include|xref)::?\S*\[", _URL,
    ],
    "gitcommit": [r"^#.*$", r"(?s:^diff --git.*\Z)", _URL],
    "plaintext": [_URL],
}
_ALIASES = {"tex": "latex", "plaintex": "latex", "rst": "restructuredtext", "git-commit": "gitcommit",
            "text": "plaintext", "mail": "plaintext", "xhtml": "html", "md": "markdown", "adoc": "asciidoc"}

# Source files: only comments and string literals are prose.
_HASH_COMMENT = r"#[^\n]*"
_SLASH_COMMENTS = [r"//[^\n]*", r"(?s:/\*.*?\*/)"]
_STRINGS = [r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'"]
_SOURCE_PROSE = {
    "python": [r'(?s:""".*?""")', r"(?s:'''.*?''')", _HASH_COMMENT, *_STRINGS],
    "shellscript": [_HASH_COMMENT, *_STRINGS],
    "ruby": [_HASH_COMMENT, *_STRINGS],
    "r": [_HASH_COMMENT, *_STRINGS],
    "yaml": [_HASH_COMMENT],
    "toml": [_HASH_COMMENT],
    "lua": [r"(?s:--\[\[.*?\]\])", r"--[^\n]*", *_STRINGS],
    "sql": [r"--[^\n]*", r"(?s:/\*.*?\*/)", *_STRINGS],
    "haskell": [r"(?s:\{-.*?-\})", r"--[^\n]*", _STRINGS[0]],
}
for _lang in ("c", "cpp", "csharp", "java", "javascript", "typescript", "javascriptreact", "typescriptreact",
              "go", "rust", "swift", "kotlin", "scala", "php", "dart"):
    _SOURCE_PROSE[_lang] = [*_SLASH_COMMENTS, r"`(?:[^`\\]|\\[\s\S])*`", *_STRINGS]

_COMPILED = {k: re.compile("|".join(f"(?:{p})" for p in v), re.MULTILINE)
             for k, v in {**_MARKUP_SKIP, **_SOURCE_PROSE}.items()}
_CODE_ESCAPES = re.compile(r"\\[nrt]|%[sd]|\{\w*\}")

# File name -> languageId, as editors name them.
_EXTENSIONS = {
    ".txt": "plaintext", ".text": "plaintext", ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".tex": "latex", ".ltx": "latex", ".rst": "restructuredtext", ".rest": "restructuredtext",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".adoc": "asciidoc", ".asciidoc": "asciidoc",
    ".py": "python", ".sh": "shellscript", ".bash": "shellscript", ".rb": "ruby", ".r": "r", ".yaml": "yaml",
    ".yml": "yaml", ".toml": "toml", ".lua": "lua", ".sql": "sql", ".hs": "haskell", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp", ".java": "java", ".js": "javascript",
    ".mjs": "javascript", ".ts": "typescript", ".jsx": "javascriptreact", ".tsx": "typescriptreact",
    ".go": "go", ".rs": "rust", ".swift": "swift", ".kt": "kotlin", ".scala": "scala", ".php": "php",
    ".dart": "dart",
}
_FILE_NAMES = {"COMMIT_EDITMSG": "gitcommit", "MERGE_MSG": "gitcommit", "TAG_EDITMSG": "gitcommit"}
# Prose formats: what a directory walk picks up.
PROSE_LANGUAGES = frozenset(_MARKUP_SKIP)


def canonical_language(language_id: str) -> str:
    return _ALIASES.get(language_id, language_id)


def is_source_language(language_id: str) -> bool:
    return canonical_language(language_id) in _SOURCE_PROSE


def is_known_language(language_id: str) -> bool:
    return canonical_language(language_id) in _COMPILED


def language_for_path(path: str) -> str:
    """The languageId an editor would give ``path``; unknown names read as plain text."""
    p = PurePath(path)
    return _FILE_NAMES.get(p.name) or _EXTENSIONS.get(p.suffix.lower(), "plaintext")


def is_prose_path(path: str) -> bool:
    """Whether ``path`` names a prose file (plain text or markup), not source code or data."""
    p = PurePath(path)
    return p.name in _FILE_NAMES or _EXTENSIONS.get(p.suffix.lower()) in PROSE_LANGUAGES


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
        spans = [m.span() for m in pattern.finditer(text)]
        if not spans and "unspin:" not in text:
            return text
        for start, end in spans:
            _blank(chars, start, end)
    apply_markers(text, chars)
    return "".join(chars)
