;; nnkit's wasm SIMD kernel for batched 2-D transposes of 4-byte values (transpose-rows.ts): the
;; form every NCHW <-> NHWC layout change takes, [B, R, C] -> [B, C, R]. Values are moved in
;; 4 x 4 blocks (four 16-byte loads, eight shuffles, four 16-byte stores), columns in tiles of
;; 32 so that the 32 output rows being written stay in L1. Bits are copied, never computed.
;; Built to transpose-rows-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's
;; wat2wasm from npm, pinned); a test rebuilds it and compares the bytes. Imports
;; tfjs-backend-wasm's memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; y[b, c, r] = x[b, r, c] for b < B, r < R, c < C (4-byte elements; x and y do not overlap)
  (func (export "transpose_rows") (param $x i32) (param $y i32) (param $B i32) (param $R i32) (param $C i32)
    (local $b i32) (local $c0 i32) (local $c1 i32) (local $c i32) (local $r i32)
    (local $R4 i32) (local $C4 i32) (local $rs i32) (local $ys i32) (local $xb i32) (local $yb i32)
    (local $xp i32) (local $yp i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $R4 (i32.and (local.get $R) (i32.const -4)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $rs (i32.shl (local.get $C) (i32.const 2))) ;; bytes per input row
    (local.set $ys (i32.shl (local.get $R) (i32.const 2))) ;; bytes per output row
    (local.set $xb (local.get $x))
    (local.set $yb (local.get $y))
    (block $bdone (loop $batches
      (br_if $bdone (i32.ge_s (local.get $b) (local.get $B)))
      ;; column tiles of 32
      (local.set $c0 (i32.const 0))
      (block $tdone (loop $tiles
        (br_if $tdone (i32.ge_s (local.get $c0) (local.get $C4)))
        (local.set $c1 (i32.add (local.get $c0) (i32.const 32)))
        (if (i32.gt_s (local.get $c1) (local.get $C4)) (then (local.set $c1 (local.get $C4))))
        ;; 4 x 4 blocks: rows r..r+3, columns c..c+3
        (local.set $r (i32.const 0))
        (block $rdone (loop $rows
          (br_if $rdone (i32.ge_s (local.get $r) (local.get $R4)))
          (local.set $c (local.get $c0))
          (local.set $xp (i32.add (local.get $xb) (i32.add (i32.mul (local.get $r) (local.get $rs)) (i32.shl (local.get $c0) (i32.const 2)))))
          (local.set $yp (i32.add (local.get $yb) (i32.add (i32.mul (local.get $c0) (local.get $ys)) (i32.shl (local.get $r) (i32.const 2)))))
          (block $cdone (loop $cols
            (br_if $cdone (i32.ge_s (local.get $c) (local.get $c1)))
            (local.set $v0 (v128.load (local.get $xp)))
            (local.set $v1 (v128.load (i32.add (local.get $xp) (local.get $rs))))
            (local.set $v2 (v128.load (i32.add (local.get $xp) (i32.shl (local.get $rs) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $xp) (i32.mul (local.get $rs) (i32.const 3)))))
            ;; t0 = v0[0] v1[0] v0[1] v1[1], t1 = v0[2] v1[2] v0[3] v1[3], t2/t3 the same of v2, v3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (v128.store (local.get $yp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $yp) (local.get $ys)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $yp) (i32.shl (local.get $ys) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $yp) (i32.mul (local.get $ys) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $yp (i32.add (local.get $yp) (i32.shl (local.get $ys) (i32.const 2))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cols)))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rows)))
        ;; the last R % 4 rows of this tile, one value at a time
        (block $rtdone (loop $rtail
          (br_if $rtdone (i32.ge_s (local.get $r) (local.get $R)))
          (local.set $c (local.get $c0))
          (block $ctdone (loop $ctail
            (br_if $ctdone (i32.ge_s (local.get $c) (local.get $c1)))
            (i32.store
              (i32.add (local.get $yb) (i32.add (i32.mul (local.get $c) (local.get $ys)) (i32.shl (local.get $r) (i32.const 2))))
              (i32.load (i32.add (local.get $xb) (i32.add (i32.mul (local.get $r) (local.get $rs)) (i32.shl (local.get $c) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $ctail)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rtail)))
        (local.set $c0 (local.get $c1))
        (br $tiles)))
      ;; the last C % 4 columns, one value at a time (each a contiguous output row)
      (local.set $c (local.get $C4))
      (block $lcdone (loop $lcols
        (br_if $lcdone (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $r (i32.const 0))
        (local.set $xp (i32.add (local.get $xb) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $yp (i32.add (local.get $yb) (i32.mul (local.get $c) (local.get $ys))))
        (block $lrdone (loop $lrows
          (br_if $lrdone (i32.ge_s (local.get $r) (local.get $R)))
          (i32.store (local.get $yp) (i32.load (local.get $xp)))
          (local.set $xp (i32.add (local.get $xp) (local.get $rs)))
          (local.set $yp (i32.add (local.get $yp) (i32.const 4)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $lrows)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lcols)))
      (local.set $xb (i32.add (local.get $xb) (i32.mul (local.get $R) (local.get $rs))))
      (local.set $yb (i32.add (local.get $yb) (i32.mul (local.get $R) (local.get $rs))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batches)))
  )
)
