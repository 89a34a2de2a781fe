" unspin with ALE: source this from your vimrc.
"
" Debian's vim-ale is an optional package; this file loads it (packadd ale) when ALE is not on the
" runtimepath yet.
" The server is found as g:unspin_lsp, in the active virtualenv, on PATH, or where pipx puts it.
" ALE counts columns in bytes and cannot say so, so the server is told to use UTF-8 positions:
" without that, quick fixes on lines with non-ASCII text would land in the wrong place.
if !exists('g:loaded_ale') && empty(globpath(&runtimepath, 'autoload/ale.vim'))
  silent! packadd ale
endif

function! s:UnspinExecutable(buffer) abort
  if exists('g:unspin_lsp')
    return g:unspin_lsp
  endif
  if !empty($VIRTUAL_ENV) && executable($VIRTUAL_ENV . '/bin/unspin-lsp')
    return $VIRTUAL_ENV . '/bin/unspin-lsp'
  endif
  if executable('unspin-lsp')
    return 'unspin-lsp'
  endif
  return expand('~/.local/bin/unspin-lsp')
endfunction

let s:unspin_filetypes = ['text', 'markdown', 'tex', 'rst', 'html', 'asciidoc', 'gitcommit', 'mail']
for s:ft in s:unspin_filetypes
  call ale#linter#Define(s:ft, {
  \   'name': 'unspin',
  \   'lsp': 'stdio',
  \   'executable': function('s:UnspinExecutable'),
  \   'command': '%e',
  \   'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
  \   'initialization_options': {'positionEncoding': 'utf-8', 'threshold': 0.5},
  \})
endfor

" ALE runs no linter on text files unless told to (its defaults say text: []), and none that is not
" listed when g:ale_linters_explicit is set: list unspin for every prose filetype.
let g:ale_linters = get(g:, 'ale_linters', {})
for s:ft in s:unspin_filetypes
  let s:listed = get(g:ale_linters, s:ft, s:ft is# 'text' || get(g:, 'ale_linters_explicit', 0) ? [] : 'all')
  if type(s:listed) is v:t_list && index(s:listed, 'unspin') < 0
    let g:ale_linters[s:ft] = s:listed + ['unspin']
  endif
endfor
