" unspin with ALE: source this from your vimrc.
call ale#linter#Define('text', {
\   'name': 'unspin',
\   'lsp': 'stdio',
\   'executable': 'unspin-lsp',
\   'command': '%e',
\   'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
\   'initialization_options': {'threshold': 0.5},
\})
for s:ft in ['markdown', 'tex', 'rst', 'html', 'asciidoc', 'gitcommit', 'mail']
  call ale#linter#Define(s:ft, {
  \   'name': 'unspin',
  \   'lsp': 'stdio',
  \   'executable': 'unspin-lsp',
  \   'command': '%e',
  \   'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
  \})
endfor
