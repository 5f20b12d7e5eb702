;; flood.wat: writes 64 MiB to stdout in 64 KiB fd_write calls, then exits 0.
;; Far above the default 1 MiB --max-output-bytes, so the host must stop or truncate it and
;; report "output_limit"; also a throughput test for the fd_write path when the cap is raised.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; Page 0: iovec at 0, bytes-written at 8. Page 1: the 64 KiB chunk that is written.
  (memory (export "memory") 2)

  (func (export "_start")
    (local $i i32) (local $remaining i32) (local $len i32) (local $err i32)
    ;; Fill the chunk with lines of 63 'x' and a newline, using plain stores rather than
    ;; bulk memory so this test depends on nothing but fd_write.
    (loop $fill
      (i64.store (i32.add (i32.const 65536) (local.get $i))
        (select
          (i64.const 0x0a78787878787878)  ;; "xxxxxxx\n" (little-endian)
          (i64.const 0x7878787878787878)  ;; "xxxxxxxx"
          (i32.eq (i32.and (local.get $i) (i32.const 63)) (i32.const 56))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 65536))))

    (local.set $remaining (i32.const 67108864))
    (loop $write
      (local.set $len
        (select (i32.const 65536) (local.get $remaining)
          (i32.gt_u (local.get $remaining) (i32.const 65536))))
      (i32.store (i32.const 0) (i32.const 65536))
      (i32.store (i32.const 4) (local.get $len))
      (local.set $err (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      ;; An errno, or no progress at all, means the host is refusing output: stop with 1
      ;; instead of spinning until the fuel runs out.
      (if (i32.or (local.get $err) (i32.eqz (i32.load (i32.const 8))))
        (then (call $proc_exit (i32.const 1))))
      (local.set $remaining (i32.sub (local.get $remaining) (i32.load (i32.const 8))))
      (br_if $write (local.get $remaining)))))
