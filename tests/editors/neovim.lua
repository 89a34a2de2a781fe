-- Headless Neovim 0.7+: open a spun file with the shipped config, apply the preferred quick fix, save.
local configs, file, server = os.getenv("UNSPIN_CONFIGS"), os.getenv("UNSPIN_FILE"), os.getenv("UNSPIN_LSP")
package.path = configs .. "/neovim/?.lua;" .. package.path
vim.cmd("filetype on")
require("unspin").setup({ cmd = { server } })
vim.cmd("edit " .. file)
local log = {}
local function report(msg) table.insert(log, msg) end
local function finish()
  vim.fn.writefile(log, os.getenv("UNSPIN_RESULT"))
  vim.cmd("qa!")
end
if not vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 100) then
  report("NO-DIAGNOSTIC"); finish()
end
local d = vim.diagnostic.get(0)[1]
report("DIAGNOSTIC " .. d.message)
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
local params = vim.lsp.util.make_range_params()
params.context = { diagnostics = {} }
local results = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 10000) or {}
for _, r in pairs(results) do
  for _, a in ipairs(r.result or {}) do
    if a.isPreferred and a.edit then
      vim.lsp.util.apply_workspace_edit(a.edit, "utf-16")
      report("APPLIED " .. a.title)
    end
  end
end
vim.cmd("write")
if vim.wait(30000, function() return #vim.diagnostic.get(0) == 0 end, 100) then report("CLEARED") end
-- A second file under the same root shares the first one's server.
vim.cmd("edit " .. vim.fn.fnamemodify(file, ":h") .. "/other.txt")
vim.wait(10000, function() return next(vim.lsp.buf_get_clients(0)) ~= nil end, 100)
local unspin_clients = 0
for _, c in ipairs(vim.lsp.get_active_clients()) do
  if c.name == "unspin" then unspin_clients = unspin_clients + 1 end
end
report("CLIENTS " .. unspin_clients)
if vim.fn.maparg("K", "n") ~= "" or (vim.fn.maparg("K", "n", false, true).callback ~= nil) then report("MAPPED K") end
finish()
