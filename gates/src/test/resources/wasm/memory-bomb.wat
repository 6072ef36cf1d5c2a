;; gate() grows memory a page at a time forever, ignoring failures.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (local.get $ptr) (local.get $len)))
    (local.get $ptr))
  (func (export "gate") (param i32 i32) (result i64)
    (loop $more
      (drop (memory.grow (i32.const 1)))
      (br $more))
    (i64.const 0)))
