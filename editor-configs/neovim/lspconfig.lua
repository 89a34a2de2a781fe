-- unspin with nvim-lspconfig (custom server definition).
local configs = require("lspconfig.configs")
if not configs.unspin then
  configs.unspin = {
    default_config = {
      cmd = { "unspin-lsp" },
      filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" },
      root_dir = require("lspconfig.util").root_pattern(".unspin.json", ".git"),
      settings = { unspin = { threshold = 0.5 } },
    },
  }
end
require("lspconfig").unspin.setup({})
