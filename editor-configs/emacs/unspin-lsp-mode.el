;;; unspin-lsp-mode.el --- unspin-lsp with lsp-mode  -*- lexical-binding: t; -*-
(require 'lsp-mode)
(dolist (mode '(text-mode markdown-mode latex-mode rst-mode html-mode adoc-mode))
  (add-to-list 'lsp-language-id-configuration `(,mode . "plaintext")))
(lsp-register-client
 (make-lsp-client :new-connection (lsp-stdio-connection '("unspin-lsp"))
                  :activation-fn (lsp-activate-on "plaintext" "markdown" "latex" "restructuredtext" "html")
                  :add-on? t
                  :server-id 'unspin))
(provide 'unspin-lsp-mode)
