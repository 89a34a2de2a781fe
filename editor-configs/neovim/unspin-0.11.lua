-- unspin for Neovim 0.11+: put in ~/.config/nvim/after/plugin/unspin.lua
vim.lsp.config("unspin", {
  cmd = { "unspin-lsp" },
  filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" },
  root_markers = { ".unspin.json", ".git" },
  settings = { unspin = { threshold = 0.5, severity = "warning" } },
})
vim.lsp.enable("unspin")
