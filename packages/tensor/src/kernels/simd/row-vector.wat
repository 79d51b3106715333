;; nnkit's wasm SIMD kernel for an element-wise add or product with a row vector (row-vector.ts):
;; y[r, c] = a[r, c] + v[c] (or * v[c], or max(a[r, c] + v[c], 0)) for rows of C values, the bias
;; add after every NHWC convolution (and its ReLU, inside the convolution's kernel). tfjs-backend-wasm's broadcasting loop computes an index per element and is
;; 10-25x slower than its same-shape loop when C is short (6 channels: 11x; 8: 7x). Here the
;; vector comes as a tile of T values (v repeated until T is a multiple of 4 and of C), and the
;; flat array is walked in chunks of T, 4 values at a time; the last n mod T values one by one.
;; Built to row-vector-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm
;; from npm, pinned); a test rebuilds it and compares the bytes. Imports tfjs-backend-wasm's
;; memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; y[i] = a[i] op t[i mod T] for i < n (op: 0 add, 1 multiply, 2 add then max with 0; T a positive multiple of 4)
  (func $run (param $a i32) (param $t i32) (param $y i32) (param $n i32) (param $T i32) (param $op i32)
    (local $end i32) (local $chunk i32) (local $tp i32) (local $te i32) (local $last i32)
    (local.set $chunk (i32.shl (local.get $T) (i32.const 2)))
    (local.set $te (i32.add (local.get $t) (local.get $chunk)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    ;; the last whole chunk starts at or before this
    (local.set $last (i32.sub (local.get $end) (local.get $chunk)))
    (block $cd (loop $cl
      (br_if $cd (i32.gt_s (local.get $a) (local.get $last)))
      (local.set $tp (local.get $t))
      (if (i32.eq (local.get $op) (i32.const 2))
        (then
          (block $rd (loop $rl
            (br_if $rd (i32.ge_u (local.get $tp) (local.get $te)))
            (v128.store (local.get $y) (f32x4.max (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $tp))) (v128.const f32x4 0 0 0 0)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
            (br $rl))))
      (else (if (local.get $op)
        (then
          (block $md (loop $ml
            (br_if $md (i32.ge_u (local.get $tp) (local.get $te)))
            (v128.store (local.get $y) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $tp))))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
            (br $ml))))
        (else
          (block $ad (loop $al
            (br_if $ad (i32.ge_u (local.get $tp) (local.get $te)))
            (v128.store (local.get $y) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $tp))))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
            (br $al)))))))
      (br $cl)))
    ;; the rest: fewer than T values, from the tile's start
    (local.set $tp (local.get $t))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $a) (local.get $end)))
      (f32.store (local.get $y)
        (select (f32.max (f32.add (f32.load (local.get $a)) (f32.load (local.get $tp))) (f32.const 0))
          (select (f32.mul (f32.load (local.get $a)) (f32.load (local.get $tp)))
                  (f32.add (f32.load (local.get $a)) (f32.load (local.get $tp)))
                  (local.get $op))
          (i32.eq (local.get $op) (i32.const 2))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
      (br $sl))))

  ;; y = a + tile, the tile repeated along a's n values (see $run)
  (func (export "add_tile") (param $a i32) (param $t i32) (param $y i32) (param $n i32) (param $T i32)
    (call $run (local.get $a) (local.get $t) (local.get $y) (local.get $n) (local.get $T) (i32.const 0)))

  ;; y = max(a + tile, 0), the tile repeated along a's n values (see $run): a convolution's bias and
  ;; ReLU in one pass (wasm's max keeps a NaN, as PyTorch's relu does; max(-0, 0) is +0)
  (func (export "add_tile_relu") (param $a i32) (param $t i32) (param $y i32) (param $n i32) (param $T i32)
    (call $run (local.get $a) (local.get $t) (local.get $y) (local.get $n) (local.get $T) (i32.const 2)))

  ;; y = a * tile, the tile repeated along a's n values (see $run)
  (func (export "mul_tile") (param $a i32) (param $t i32) (param $y i32) (param $n i32) (param $T i32)
    (call $run (local.get $a) (local.get $t) (local.get $y) (local.get $n) (local.get $T) (i32.const 1))))
