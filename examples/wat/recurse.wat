;; recurse.wat: unbounded recursion.
;; Each frame has a parameter and several locals, so the host's stack limit must count frames
;; by their size deterministically (not depend on the native stack of the machine): expect
;; error kind "stack_overflow" at the same fuel_used on every run. The addition after the call
;; keeps the call out of tail position, so no engine can turn it into a loop.
(module
  (memory (export "memory") 1)
  (func $recurse (param $depth i64) (result i64)
    (local $a i64) (local $b i64) (local $c i32) (local $d f64)
    (local.set $a (i64.mul (local.get $depth) (i64.const 3)))
    (local.set $b (i64.add (local.get $a) (i64.const 7)))
    (local.set $c (i32.wrap_i64 (local.get $b)))
    (local.set $d (f64.convert_i32_s (local.get $c)))
    (i64.add
      (call $recurse (i64.add (local.get $depth) (i64.const 1)))
      (i64.add (local.get $b) (i64.trunc_f64_s (local.get $d)))))
  (func (export "_start")
    (drop (call $recurse (i64.const 0)))))
