-- unspin for Neovim 0.11+: put in ~/.config/nvim/after/plugin/unspin.lua
-- One server per project root (.unspin.json or .git). The server is found in the active virtualenv,
-- on PATH, or where pipx puts it (~/.local/bin). Neovim 0.11 maps K (hover) and gra (code actions).
local function unspin_cmd()
  local venv = vim.env.VIRTUAL_ENV
  if venv and vim.fn.executable(venv .. "/bin/unspin-lsp") == 1 then
    return { venv .. "/bin/unspin-lsp" }
  end
  if vim.fn.executable("unspin-lsp") == 1 then
    return { "unspin-lsp" }
  end
  return { vim.fn.expand("~/.local/bin/unspin-lsp") }
end

vim.lsp.config("unspin", {
  cmd = unspin_cmd(),
  filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" },
  root_markers = { ".unspin.json", ".git" },
  settings = { unspin = { threshold = 0.5, severity = "warning" } },
})
vim.lsp.enable("unspin")
