"""unspin-lsp: a thin Language Server Protocol adapter over the engine."""
