;; nnkit's wasm SIMD kernels for the float64-accumulating Sum and Mean (precise-reduce.ts): the
;; two innermost loops of a reduction walked in memory order. float32 values are promoted to
;; float64 two lanes at a time and added in float64, so results match the JavaScript kernels'
;; precision. Built to reduce-rows-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's
;; wat2wasm from npm, pinned); a test rebuilds it and compares the bytes. Imports
;; tfjs-backend-wasm's memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; acc[j] (float64) += sum over r < rows of x[r*len + j] (float32), j < len
  (func (export "add_rows") (param $x i32) (param $acc i32) (param $rows i32) (param $len i32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $row i32) (local $ap i32) (local $v v128) (local $w v128)
    (local.set $n4 (i32.and (local.get $len) (i32.const -4)))
    (local.set $row (i32.shl (local.get $len) (i32.const 2)))
    ;; two rows per pass
    (block $pdone (loop $pairs
      (br_if $pdone (i32.gt_s (i32.add (local.get $r) (i32.const 2)) (local.get $rows)))
      (local.set $j (i32.const 0))
      (local.set $ap (local.get $acc))
      (block $vdone (loop $vecs
        (br_if $vdone (i32.ge_s (local.get $j) (local.get $n4)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $w (v128.load (i32.add (i32.add (local.get $x) (local.get $row)) (i32.shl (local.get $j) (i32.const 2)))))
        (v128.store (local.get $ap) (f64x2.add (v128.load (local.get $ap))
          (f64x2.add (f64x2.promote_low_f32x4 (local.get $v)) (f64x2.promote_low_f32x4 (local.get $w)))))
        (v128.store offset=16 (local.get $ap) (f64x2.add (v128.load offset=16 (local.get $ap))
          (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                     (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w))))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vecs)))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_s (local.get $j) (local.get $len)))
        (f64.store (local.get $ap) (f64.add (f64.load (local.get $ap))
          (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
                   (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $x) (local.get $row)) (i32.shl (local.get $j) (i32.const 2))))))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $row) (i32.const 1))))
      (local.set $r (i32.add (local.get $r) (i32.const 2)))
      (br $pairs)))
    ;; an odd last row
    (if (i32.lt_s (local.get $r) (local.get $rows)) (then
      (local.set $j (i32.const 0))
      (local.set $ap (local.get $acc))
      (block $vdone1 (loop $vecs1
        (br_if $vdone1 (i32.ge_s (local.get $j) (local.get $n4)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
        (v128.store (local.get $ap) (f64x2.add (v128.load (local.get $ap)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $ap) (f64x2.add (v128.load offset=16 (local.get $ap))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vecs1)))
      (block $tdone1 (loop $tail1
        (br_if $tdone1 (i32.ge_s (local.get $j) (local.get $len)))
        (f64.store (local.get $ap) (f64.add (f64.load (local.get $ap))
          (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail1)))))
  )

  ;; acc[j*os] (float64) += sum of the len float32 values at x + j*is (is, os in elements), j < d
  (func (export "sum_rows") (param $x i32) (param $d i32) (param $is i32) (param $len i32) (param $acc i32) (param $os i32)
    (local $j i32) (local $p i32) (local $end i32) (local $end4 i32) (local $a v128) (local $b v128) (local $v v128) (local $s f64)
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $j) (local.get $d)))
      (local.set $p (i32.add (local.get $x) (i32.shl (i32.mul (local.get $j) (local.get $is)) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
      (local.set $a (v128.const i32x4 0 0 0 0))
      (local.set $b (v128.const i32x4 0 0 0 0))
      (block $vdone (loop $vecs
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $a (f64x2.add (local.get $a) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $b (f64x2.add (local.get $b)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vecs)))
      (local.set $a (f64x2.add (local.get $a) (local.get $b)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
      (local.set $p (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $j) (local.get $os)) (i32.const 3))))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $s)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows)))
  )
)
