"""Every shipped editor config parses and starts the same server on the server's languages."""
import json
import pathlib
import re
import shutil
import subprocess

import pytest
import tomllib
from unspin.lsp.config import MODELS, PROSE_LANGUAGES, Settings

CONFIGS = pathlib.Path(__file__).resolve().parents[1] / "editor-configs"


def test_helix():
    data = tomllib.loads((CONFIGS / "helix/languages.toml").read_text())
    assert data["language-server"]["unspin"]["command"] == "unspin-lsp"
    assert all("unspin" in lang["language-servers"] for lang in data["language"])
    assert all(Settings().enables(lang["name"]) for lang in data["language"])


@pytest.mark.parametrize("path", ["neovim/unspin.lua", "neovim/unspin-0.11.lua", "neovim/lspconfig.lua"])
def test_neovim_filetypes_are_checked_by_the_server(path):
    listed = re.search(r"filetypes = \{([^}]*)\}", (CONFIGS / path).read_text()).group(1)
    filetypes = re.findall(r'"([^"]+)"', listed)
    assert filetypes and all(Settings().enables(ft) for ft in filetypes)


def test_sublime_and_kate():
    sub = json.loads((CONFIGS / "sublime/LSP.sublime-settings").read_text())
    assert sub["clients"]["unspin"]["command"] == ["unspin-lsp"]
    kate = json.loads((CONFIGS / "kate/lspclient.json").read_text())
    assert all(s["command"] == ["unspin-lsp"] for s in kate["servers"].values())


def test_vscode_manifest_matches_server():
    pkg = json.loads((CONFIGS / "vscode/package.json").read_text())
    props = pkg["contributes"]["configuration"]["properties"]
    assert props["unspin.path"]["default"] == "unspin-lsp"
    assert set(props["unspin.languages"]["default"]) <= set(PROSE_LANGUAGES)
    assert {"unspin.threshold", "unspin.severity", "unspin.allowlist", "unspin.model"} <= set(props)
    assert props["unspin.model"]["enum"] == list(MODELS) and props["unspin.model"]["default"] == Settings().model
    ignored = (CONFIGS / "vscode/.vscodeignore").read_text()
    assert "node_modules/**\n" not in ignored  # the extension loads vscode-languageclient from it


@pytest.mark.parametrize("path", ["neovim/unspin.lua", "neovim/unspin-0.11.lua", "neovim/lspconfig.lua",
                                  "vim/ale.vim", "vim/vim-lsp.vim", "emacs/unspin-eglot.el",
                                  "emacs/unspin-lsp-mode.el"])
def test_other_configs_start_unspin_lsp(path):
    assert "unspin-lsp" in (CONFIGS / path).read_text()


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_vsix_builds(tmp_path):
    work = tmp_path / "vscode"
    shutil.copytree(CONFIGS / "vscode", work)
    r = subprocess.run("npm install --no-audit --no-fund -q && npx --yes @vscode/vsce package "
                       "--allow-missing-repository -o unspin.vsix",
                       shell=True, cwd=work, capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and "ENOTFOUND" in r.stderr + r.stdout:
        pytest.skip("npm registry unreachable")
    assert r.returncode == 0, r.stderr[-2000:]
    assert (work / "unspin.vsix").stat().st_size > 0


def test_emacs_major_modes_are_checked_by_the_server():
    """eglot names a document's language after its major mode, less "-mode"."""
    modes = re.search(r"'\(\(([^)]*)\)", (CONFIGS / "emacs/unspin-eglot.el").read_text()).group(1).split()
    assert modes and all(Settings().enables(m.removesuffix("-mode")) for m in modes)


def test_ale_config_forces_utf8_positions_and_enables_text_files():
    """ALE counts byte columns and says nothing about it; its defaults run no linter on text files."""
    ale = (CONFIGS / "vim/ale.vim").read_text()
    assert "'positionEncoding': 'utf-8'" in ale
    assert "packadd ale" in ale and "g:ale_linters" in ale
    assert Settings().merged({"positionEncoding": "utf-8"}).position_encoding == "utf-8"
