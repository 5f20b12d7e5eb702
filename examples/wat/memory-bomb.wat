;; memory-bomb.wat: grows memory one page at a time until the host refuses.
;; memory.grow past the cap must return -1 to the guest (the spec's answer), not kill it, so
;; this prints the total number of 64 KiB pages it ended with and exits 0. With the default
;; 128 MiB cap that is at most 2048, minus whatever the host reserves for itself.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  ;; No declared maximum: the limit has to come from the host.
  (memory (export "memory") 1)

  ;; Prints $n as decimal plus "\n". Digits are built backwards ending at byte 63;
  ;; the iovec lives at 0 and the bytes-written count at 8.
  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 63))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 64) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "_start")
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (call $print_u32 (memory.size))))
