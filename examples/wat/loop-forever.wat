;; loop-forever.wat: never terminates.
;; Nothing but the host's fuel meter can stop this, and it must stop it at the same
;; instruction count every run: expect error kind "out_of_fuel" with a deterministic fuel_used.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever
      (br $forever))))
