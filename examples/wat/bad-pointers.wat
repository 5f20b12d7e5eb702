;; bad-pointers.wat: hands WASI calls pointers outside the guest's memory.
;; A host must bounds-check every pointer it gets from a guest and answer with an errno
;; rather than crash, read host memory or trap: wasmtime answers 21 (EFAULT), Node's uvwasi
;; 61 (EOVERFLOW); printing the numbers makes such differences visible. Each call's
;; errno is printed as `name=N`; then the program exits 0. path_open and fd_prestat_dir_name
;; use fd 3, the first preopened directory (EBADF, 8, if there is none). Calls that have
;; nothing to write (e.g. environ_get with an empty environment, fd_read_buf at end of input)
;; may legitimately succeed with 0.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get"
    (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get"
    (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))

  ;; Layout of the single page:
  ;;   0..24   three iovecs used by $report     32  bytes-written
  ;;   48..64  decimal digits + "\n"           64  "="
  ;;   128..   names                            512 a valid iovec whose buffer is bad
  ;;   600     a valid place for results the calls may write
  (memory (export "memory") 1)
  (data (i32.const 64) "=")
  (data (i32.const 128) "fd_write")             ;; 128, 8
  (data (i32.const 136) "fd_write_buf")         ;; 136, 12
  (data (i32.const 148) "fd_read")              ;; 148, 7
  (data (i32.const 155) "fd_read_buf")          ;; 155, 11
  (data (i32.const 166) "args_sizes_get")       ;; 166, 14
  (data (i32.const 180) "args_get")             ;; 180, 8
  (data (i32.const 188) "environ_sizes_get")    ;; 188, 17
  (data (i32.const 205) "environ_get")          ;; 205, 11
  (data (i32.const 216) "random_get")           ;; 216, 10
  (data (i32.const 226) "clock_time_get")       ;; 226, 14
  (data (i32.const 240) "fd_prestat_get")       ;; 240, 14
  (data (i32.const 254) "fd_prestat_dir_name")  ;; 254, 19
  (data (i32.const 273) "path_open")            ;; 273, 9
  ;; iovec { buf = 0xFFFFFFF0, len = 16 }: in bounds itself, pointing out of bounds.
  (data (i32.const 512) "\f0\ff\ff\ff\10\00\00\00")

  ;; Writes "<name>=<errno>\n" as one fd_write of three iovecs: name, "=", digits.
  (func $report (param $name i32) (param $name_len i32) (param $errno i32)
    (local $p i32)
    (local.set $p (i32.const 63))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
      (local.set $errno (i32.div_u (local.get $errno) (i32.const 10)))
      (br_if $digit (local.get $errno)))
    (i32.store (i32.const 0) (local.get $name))
    (i32.store (i32.const 4) (local.get $name_len))
    (i32.store (i32.const 8) (i32.const 64))
    (i32.store (i32.const 12) (i32.const 1))
    (i32.store (i32.const 16) (local.get $p))
    (i32.store (i32.const 20) (i32.sub (i32.const 64) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 3) (i32.const 32))))

  (func (export "_start")
    (call $report (i32.const 128) (i32.const 8)
      (call $fd_write (i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 600)))
    (call $report (i32.const 136) (i32.const 12)
      (call $fd_write (i32.const 1) (i32.const 512) (i32.const 1) (i32.const 600)))
    (call $report (i32.const 148) (i32.const 7)
      (call $fd_read (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 600)))
    (call $report (i32.const 155) (i32.const 11)
      (call $fd_read (i32.const 0) (i32.const 512) (i32.const 1) (i32.const 600)))
    (call $report (i32.const 166) (i32.const 14)
      (call $args_sizes_get (i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 180) (i32.const 8)
      (call $args_get (i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 188) (i32.const 17)
      (call $environ_sizes_get (i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 205) (i32.const 11)
      (call $environ_get (i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 216) (i32.const 10)
      (call $random_get (i32.const 0xFFFFFFF0) (i32.const 16)))
    (call $report (i32.const 226) (i32.const 14)
      ;; clock 0 = realtime, precision 1 ns, result (a u64) stored out of bounds
      (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 240) (i32.const 14)
      (call $fd_prestat_get (i32.const 3) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 254) (i32.const 19)
      (call $fd_prestat_dir_name (i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 256)))
    (call $report (i32.const 273) (i32.const 9)
      ;; dirfd 3, no lookup flags, a 16-byte path out of bounds, no oflags, no rights,
      ;; no fdflags, opened-fd result at a valid address.
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 16)
        (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 600)))))
