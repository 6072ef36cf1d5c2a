;; do-not-merge: an example R1 custom gate, written in WebAssembly text.
;;
;; It blocks a change whose gate input mentions the marker "DO NOT MERGE" (in the diff, a file a
;; tool call writes, or anywhere else in the input JSON) and allows everything else. The build
;; compiles it to do-not-merge.wasm (gates/pom.xml, WatCompiler); the strict preset runs it at
;; EXECUTE->VERIFY as classpath:wasm/do-not-merge.wasm.
;;
;; The ABI (docs/gates.md): no imports; export memory, alloc(len) -> ptr and
;; gate(ptr, len) -> i64 = (out_ptr << 32) | out_len, the output being verdict JSON
;; {"verdict": "allow"|"block"|"escalate", "reason": "..."}.
(module
  (memory (export "memory") 1 256)

  ;; The marker and the two answers, NUL-terminated.
  (data (i32.const 16) "DO NOT MERGE\00")
  (data (i32.const 64) "{\"verdict\":\"allow\",\"reason\":\"no DO NOT MERGE marker in the change\"}\00")
  (data (i32.const 256) "{\"verdict\":\"block\",\"reason\":\"the change contains a DO NOT MERGE marker: remove it, or finish the work it marks, before this task can go on\"}\00")

  ;; Input goes above the constants.
  (global $heap (mut i32) (i32.const 1024))

  ;; alloc(len) -> ptr: a bump allocator that grows memory as needed; 0 when it cannot.
  (func (export "alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (i32.and (i32.add (local.get $end) (i32.const 7)) (i32.const -8)))
    (local.get $ptr))

  ;; strlen(p): the length of a NUL-terminated string.
  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; contains(hay, hay_len, needle, needle_len) -> 1 when the needle occurs in the hay.
  (func $contains (param $h i32) (param $hl i32) (param $n i32) (param $nl i32) (result i32)
    (local $i i32) (local $j i32) (local $last i32)
    (if (i32.gt_u (local.get $nl) (local.get $hl)) (then (return (i32.const 0))))
    (local.set $last (i32.sub (local.get $hl) (local.get $nl)))
    (block $notfound
      (loop $outer
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $inner
            (br_if $mismatch
              (i32.ne
                (i32.load8_u (i32.add (local.get $h) (i32.add (local.get $i) (local.get $j))))
                (i32.load8_u (i32.add (local.get $n) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (if (i32.eq (local.get $j) (local.get $nl)) (then (return (i32.const 1))))
            (br $inner)))
        (br_if $notfound (i32.ge_u (local.get $i) (local.get $last)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i32.const 0))

  ;; answer(p): pack a NUL-terminated answer as (ptr << 32) | len.
  (func $answer (param $p i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32))
      (i64.extend_i32_u (call $strlen (local.get $p)))))

  (func (export "gate") (param $ptr i32) (param $len i32) (result i64)
    (if (result i64)
      (call $contains (local.get $ptr) (local.get $len) (i32.const 16) (call $strlen (i32.const 16)))
      (then (call $answer (i32.const 256)))
      (else (call $answer (i32.const 64))))))
