;; hello.wat: hello world written directly against WASI preview1, no libc.
;; Shows the minimum a WASI command needs: an exported `memory`, an exported `_start`,
;; and one fd_write call with an iovec pointing at the text.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: { buf = 16, len = 16 }; the text at 16.
  (data (i32.const 0) "\10\00\00\00\10\00\00\00")
  (data (i32.const 16) "Hello from WAT!\n")
  (func (export "_start")
    ;; fd 1 (stdout), 1 iovec at 0, bytes-written count stored at 8.
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
