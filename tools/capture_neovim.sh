#!/usr/bin/env bash
# Regenerate docs/neovim-capture.txt: headless Neovim in tmux, with the shipped config,
# showing unspin's diagnostic and hover on examples/spun.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
server=${UNSPIN_LSP:-$(command -v unspin-lsp || echo "$root/.venv/bin/unspin-lsp")}
init=$(mktemp --suffix=.lua)
cat > "$init" <<LUA
package.path = "$root/editor-configs/neovim/?.lua;" .. package.path
vim.cmd("filetype on")
vim.o.wrap = true
require("unspin").setup({ cmd = { "$server" } })
vim.diagnostic.config({ virtual_text = true })
LUA
tmux kill-session -t unspin-capture 2>/dev/null || true
tmux new-session -d -s unspin-capture -x 110 -y 30 "nvim -n -i NONE -u $init $root/examples/spun.txt"
sleep 6
tmux send-keys -t unspin-capture ":call cursor(1, 100)" Enter ":lua vim.lsp.buf.hover()" Enter
sleep 2
tmux capture-pane -t unspin-capture -p > "$root/docs/neovim-capture.txt"
tmux kill-session -t unspin-capture
rm -f "$init"
echo "wrote docs/neovim-capture.txt"
