;; big-memory.wat: asks for 4096 pages (256 MiB) of initial memory.
;; Above the default 128 MiB cap, so by default it fails with "out_of_memory" before it
;; runs; with --max-memory-mb 512 it prints "ok".
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4096)
  (data (i32.const 0) "\10\00\00\00\03\00\00\00")
  (data (i32.const 16) "ok\n")
  (func (export "_start")
    ;; Touch the last byte so the memory is really usable, not just declared.
    (i32.store8 (i32.const 268435455) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
