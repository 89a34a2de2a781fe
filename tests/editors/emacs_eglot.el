;;; Headless Emacs 28 + eglot: open a spun file with the shipped eglot config, apply the preferred quick fix, save.
(require 'flymake)
(load (expand-file-name "emacs/unspin-eglot.el" (getenv "UNSPIN_CONFIGS")))
(setq eglot-sync-connect t)
(defvar unspin-log nil)

(defun unspin-pump ()
  "Stand in for the command loop that batch mode lacks."
  (accept-process-output nil 0.1)
  (run-hooks 'post-command-hook))

(defun unspin-wait (pred)
  (let ((tries 0))
    (while (and (not (funcall pred)) (< tries 300))
      (unspin-pump)
      (setq tries (1+ tries)))
    (funcall pred)))

(defun unspin-diags () (flymake-diagnostics (point-min) (point-max)))

(find-file (getenv "UNSPIN_FILE"))
(unspin-wait (lambda () (bound-and-true-p eglot--managed-mode)))
(flymake-start)
(if (not (unspin-wait (lambda () (unspin-diags))))
    (push "NO-DIAGNOSTIC" unspin-log)
  (let* ((d (car (unspin-diags)))
         (actions (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d) "quickfix"))
         (preferred (cl-find-if (lambda (a) (plist-get a :isPreferred)) actions)))
    (push (concat "DIAGNOSTIC " (flymake-diagnostic-text d)) unspin-log)
    (when preferred
      (eglot--apply-workspace-edit (plist-get preferred :edit))
      (push (concat "APPLIED " (plist-get preferred :title)) unspin-log))
    (save-buffer)
    (flymake-start)
    (when (unspin-wait (lambda () (null (unspin-diags))))
      (push "CLEARED" unspin-log))))
(with-temp-file (getenv "UNSPIN_RESULT")
  (insert (mapconcat #'identity (reverse unspin-log) "\n")))
(kill-emacs 0)
