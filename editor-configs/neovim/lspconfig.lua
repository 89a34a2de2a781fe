-- unspin with nvim-lspconfig (custom server definition); one server per project root.
-- The server is found in the active virtualenv, on PATH, or where pipx puts it (~/.local/bin).
local configs = require("lspconfig.configs")
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
if not configs.unspin then
  configs.unspin = {
    default_config = {
      cmd = unspin_cmd(),
      filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" },
      root_dir = require("lspconfig.util").root_pattern(".unspin.json", ".git"),
      single_file_support = true,
      settings = { unspin = { threshold = 0.5 } },
    },
  }
end
require("lspconfig").unspin.setup({})
