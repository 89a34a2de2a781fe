-- unspin for Neovim 0.7 - 0.10: start unspin-lsp for prose buffers.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/lua/unspin.lua) and call require("unspin").setup().
local M = {}

M.filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" }

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { "unspin-lsp" }
  local settings = opts.settings or { unspin = { threshold = 0.5, severity = "warning" } }
  vim.api.nvim_create_autocmd("FileType", {
    pattern = opts.filetypes or M.filetypes,
    callback = function(args)
      local client_id = vim.lsp.start_client({
        name = "unspin",
        cmd = cmd,
        root_dir = vim.fn.getcwd(),
        init_options = settings.unspin,
        settings = settings,
      })
      if client_id then
        vim.lsp.buf_attach_client(args.buf, client_id)
      end
    end,
  })
end

return M
