;;; unspin-eglot.el --- unspin-lsp with eglot  -*- lexical-binding: t; -*-
(require 'eglot)
(add-to-list 'eglot-server-programs
             '((text-mode markdown-mode latex-mode rst-mode html-mode adoc-mode) . ("unspin-lsp")))
(dolist (hook '(text-mode-hook markdown-mode-hook latex-mode-hook rst-mode-hook))
  (add-hook hook #'eglot-ensure))
(setq-default eglot-workspace-configuration '(:unspin (:threshold 0.5 :severity "warning")))
(provide 'unspin-eglot)
