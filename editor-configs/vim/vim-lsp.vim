" unspin with vim-lsp: source this from your vimrc.
if executable('unspin-lsp')
  au User lsp_setup call lsp#register_server({
  \ 'name': 'unspin',
  \ 'cmd': {server_info->['unspin-lsp']},
  \ 'allowlist': ['text', 'markdown', 'tex', 'rst', 'html', 'asciidoc', 'gitcommit', 'mail'],
  \ 'workspace_config': {'unspin': {'threshold': 0.5}},
  \ })
endif
