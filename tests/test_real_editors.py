"""Real editors, headless, driven through the shipped configs in editor-configs/.

Each editor opens a spun file, receives the diagnostic, applies the preferred quick fix, saves, and
sees the diagnostic go.  The editor scripts live in tests/editors/ and report what they saw.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EDITORS = ROOT / "tests" / "editors"
# Non-ASCII before the flagged word: a client counting bytes (ALE) against a server counting UTF-16
# units would put the fix in the wrong place.
SPUN_LINE = "Officials — the mayor’s aides — said helium will not be able to attend the meeting on Monday.\n"


def _run_editor(tmp_path, program: str, argv: list[str]) -> str:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} must be installed in CI (.ci/run installs it)")
        pytest.skip(f"{program} is not installed")
    server_dir = pathlib.Path(sys.executable).parent
    assert (server_dir / "unspin-lsp").exists(), "unspin-lsp is not installed beside this Python"
    doc, result = tmp_path / "spun.txt", tmp_path / "result.txt"
    doc.write_text(SPUN_LINE, encoding="utf-8")
    env = dict(os.environ, PATH=f"{server_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               UNSPIN_CONFIGS=str(ROOT / "editor-configs"), UNSPIN_FILE=str(doc), UNSPIN_RESULT=str(result),
               UNSPIN_LSP=str(server_dir / "unspin-lsp"))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          stdin=subprocess.DEVNULL)
    report = result.read_text(encoding="utf-8") if result.exists() else ""
    assert "'helium' may be a spun substitute for 'he'" in report, report + proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "APPLIED Replace 'helium' with 'he'" in report, report
    assert "CLEARED" in report, report
    assert doc.read_text(encoding="utf-8") == SPUN_LINE.replace("helium", "he")
    return report


def test_neovim(tmp_path):
    report = _run_editor(tmp_path, "nvim", ["nvim", "--headless", "-n", "-i", "NONE", "-u", "NONE",
                                            "-c", f"luafile {EDITORS / 'neovim.lua'}"])
    assert "CLIENTS 1" in report, report  # one server per root, not one per buffer
    assert "MAPPED K" in report, report  # hover is mapped where Neovim has no default for it


def test_vim_ale(tmp_path):
    if not pathlib.Path("/usr/share/vim-ale").is_dir():
        if os.environ.get("CI"):
            pytest.fail("vim-ale must be installed in CI (.ci/run installs it)")
        pytest.skip("vim-ale is not installed")
    _run_editor(tmp_path, "vim", ["vim", "-N", "-u", "NONE", "-i", "NONE", "-n", "--not-a-term",
                                  "-S", str(EDITORS / "vim_ale.vim")])


def test_emacs_eglot(tmp_path):
    _run_editor(tmp_path, "emacs", ["emacs", "--batch", "-q", "-l", str(EDITORS / "emacs_eglot.el")])
