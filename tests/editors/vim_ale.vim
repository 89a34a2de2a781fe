" Headless Vim 9 + ALE: open a spun file with the shipped ALE config, apply the preferred quick fix, save.
" The shipped config alone loads Debian's vim-ale (packadd) and enables unspin for .txt files.
set nocompatible
filetype plugin on
let g:ale_lint_on_enter = 1
execute 'source ' . fnameescape($UNSPIN_CONFIGS . '/vim/ale.vim')

let s:log = []
function! s:Wait(condition) abort
  let l:tries = 0
  while !eval(a:condition) && l:tries < 300
    sleep 100m
    let l:tries += 1
  endwhile
  return eval(a:condition)
endfunction

function! s:ApplyPreferred(data, items) abort
  for [l:kind, l:item] in a:items
    if get(l:item, 'isPreferred', 0)
      call ale#codefix#ApplyLSPCodeAction(a:data, l:item)
      call add(s:log, 'APPLIED ' . l:item.title)
      return
    endif
  endfor
  call add(s:log, 'NO-PREFERRED-ACTION')
endfunction

execute 'edit ' . fnameescape($UNSPIN_FILE)
if s:Wait('!empty(ale#engine#GetLoclist(bufnr("")))')
  let s:d = ale#engine#GetLoclist(bufnr(''))[0]
  call add(s:log, 'DIAGNOSTIC ' . s:d.text)
  call cursor(s:d.lnum, s:d.col)
  call ale#codefix#Execute(0, function('s:ApplyPreferred'))
  call s:Wait('len(s:log) > 1')
  write
  call ale#Queue(0)
  if s:Wait('empty(ale#engine#GetLoclist(bufnr("")))')
    call add(s:log, 'CLEARED')
  endif
else
  call add(s:log, 'NO-DIAGNOSTIC')
endif
call writefile(s:log, $UNSPIN_RESULT)
qa!
