;; no-start.wat: a valid module that is not a WASI command.
;; It has a memory but no `_start` export, so running it must fail with error kind
;; "invalid_module" before any guest code runs.
(module
  (memory (export "memory") 1)
  (func (export "main")))
