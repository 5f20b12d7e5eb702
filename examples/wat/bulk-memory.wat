;; bulk-memory.wat: memory.fill and memory.copy over 1 MiB regions, 100 times.
;; A bulk op is one instruction that touches a megabyte, so it shows whether the fuel meter
;; charges by bytes as well as by instruction; it also checks memory.copy's memmove
;; semantics on overlapping ranges, and traps (instead of printing "done") if they are wrong.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  ;; Page 0: output. A = [65536, +1 MiB), B = [1114112, +1 MiB): 33 pages in all.
  (memory (export "memory") 33)
  (data (i32.const 0) "\10\00\00\00\05\00\00\00")
  (data (i32.const 16) "done\n")

  (func (export "_start")
    (local $i i32)
    (loop $round
      ;; A := the round number in every byte, then B := A.
      (memory.fill (i32.const 65536) (local.get $i) (i32.const 1048576))
      (memory.copy (i32.const 1114112) (i32.const 65536) (i32.const 1048576))
      ;; Overlapping copy one byte forward: a correct memmove leaves A[1] = 0xAB, A[2] = i;
      ;; a naive forward byte loop would smear 0xAB over the whole region.
      (i32.store8 (i32.const 65536) (i32.const 0xAB))
      (memory.copy (i32.const 65537) (i32.const 65536) (i32.const 1048575))
      (if (i32.or
            (i32.ne (i32.load8_u (i32.const 65537)) (i32.const 0xAB))
            (i32.ne (i32.load8_u (i32.const 65538)) (local.get $i)))
        (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (i32.const 100))))
    ;; B was copied from A in the last round, so both of its ends hold 99.
    (if (i32.or
          (i32.ne (i32.load8_u (i32.const 1114112)) (i32.const 99))
          (i32.ne (i32.load8_u (i32.const 2162687)) (i32.const 99)))
      (then unreachable))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
