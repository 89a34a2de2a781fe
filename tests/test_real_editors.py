"""Real editors, headless, driven through the shipped configs in editor-configs/."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPUN_LINE = "Officials said helium will not be able to attend the meeting on Monday.\n"


def _server() -> str:
    exe = shutil.which("unspin-lsp") or str(pathlib.Path(sys.executable).with_name("unspin-lsp"))
    assert os.path.exists(exe), "unspin-lsp is not installed"
    return exe


def _need(editor: str) -> None:
    if shutil.which(editor) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{editor} must be installed in CI (.ci/run installs it)")
        pytest.skip(f"{editor} is not installed")


def test_neovim_diagnostic_quickfix_and_clear(tmp_path):
    _need("nvim")
    doc = tmp_path / "spun.txt"
    doc.write_text(SPUN_LINE, encoding="utf-8")
    env = dict(os.environ, UNSPIN_CONFIGS=str(ROOT / "editor-configs"), UNSPIN_FILE=str(doc), UNSPIN_LSP=_server())
    r = subprocess.run(["nvim", "--headless", "-n", "-i", "NONE", "-u", "NONE", "-c",
                        f"luafile {ROOT / 'tests/editors/neovim.lua'}"],
                       env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    out = r.stdout + r.stderr
    assert "DIAGNOSTIC 'helium' may be a spun substitute for 'he'" in out, out
    assert "CLEARED" in out, out
    assert doc.read_text(encoding="utf-8") == SPUN_LINE.replace("helium", "he")
