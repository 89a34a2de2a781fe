-- unspin for Neovim 0.7 - 0.10: start unspin-lsp for prose buffers, one server per project root.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/lua/unspin.lua) and call require("unspin").setup().
--
-- The server is found as opts.cmd, in the active virtualenv, on PATH, or where pipx puts it
-- (~/.local/bin). Neovim before 0.10 has no default LSP mappings (K runs man), so setup() maps, in
-- buffers unspin checks:  K  hover (the likely original and why),  <leader>ca  code actions (fixes).
-- Pass keys = false to keep your own mappings.
local M = {}

M.filetypes = { "text", "markdown", "tex", "plaintex", "rst", "html", "asciidoc", "gitcommit", "mail" }

local function executable_cmd()
  local venv = vim.env.VIRTUAL_ENV
  if venv and vim.fn.executable(venv .. "/bin/unspin-lsp") == 1 then
    return { venv .. "/bin/unspin-lsp" }
  end
  if vim.fn.executable("unspin-lsp") == 1 then
    return { "unspin-lsp" }
  end
  return { vim.fn.expand("~/.local/bin/unspin-lsp") }
end

local function root_of(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  local file = vim.fn.findfile(".unspin.json", dir .. ";")
  if file ~= "" then
    return vim.fn.fnamemodify(file, ":p:h")
  end
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h") -- ":p" ends a directory with "/": ":h" drops it, ":h" again .git
  end
  return dir
end

local clients = {} -- root -> client id: every buffer under one root shares one server (and its worker)

local function map_keys(bufnr)
  local function map(lhs, rhs, desc)
    vim.api.nvim_buf_set_keymap(bufnr, "n", lhs, "", { noremap = true, silent = true, callback = rhs, desc = desc })
  end
  map("K", vim.lsp.buf.hover, "unspin: explain")
  map("<leader>ca", vim.lsp.buf.code_action, "unspin: fixes")
end

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or executable_cmd()
  local settings = opts.settings or { unspin = { threshold = 0.5, severity = "warning" } }
  vim.api.nvim_create_autocmd("FileType", {
    pattern = opts.filetypes or M.filetypes,
    callback = function(args)
      local root = root_of(args.buf)
      local id = clients[root]
      local client = id and vim.lsp.get_client_by_id(id)
      if not client or client.is_stopped() then
        id = vim.lsp.start_client({
          name = "unspin",
          cmd = cmd,
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
          init_options = settings.unspin,
          settings = settings,
        })
        clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
        if opts.keys ~= false then
          map_keys(args.buf)
        end
      end
    end,
  })
end

return M
