;; nnkit's wasm SIMD kernels for matrix products whose right operand is tall and narrow
;; (c = a . b with b [N, n], n a multiple of 4): weight and filter gradients (a transposed:
;; aT . dy), and products with few rows. tfjs-backend-wasm's XNNPACK GEMM repacks b on every
;; call and transposes a first when it is transposed. Built to matmul-tall-binary.ts by
;; `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm from npm, pinned); a test rebuilds
;; it and compares the bytes. Imports tfjs-backend-wasm's memory (pointers are byte offsets).
(module
  (import "env" "memory" (memory 1))
  ;; c[i, j] = sum_t a(i, t) * b[t, j]: b [N, n] row-major, n a multiple of 4; a(i, t) at
  ;; a + i*sai + t*sat (bytes: a [m, N] has sai = 4N, sat = 4; a transposed [N, m] has sai = 4, sat = 4m);
  ;; c [m, n] overwritten. b is read in chunks of 256 rows (kept in cache across the m rows of a).
  (func $mm_tall (export "mm_tall")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $N i32) (param $n i32)
    (param $sai i32) (param $sat i32)
    (local $rs i32) (local $t0 i32) (local $tn i32) (local $i i32) (local $jo i32) (local $ap i32)
    (local $bp i32) (local $t i32) (local $cp i32) (local $q i32)
    (local $s v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rs (i32.shl (local.get $n) (i32.const 2)))
    (local.set $q (i32.mul (local.get $m) (local.get $rs)))
    (local.set $t (i32.const 0))
    (block $zd (loop $zero
      (br_if $zd (i32.ge_u (local.get $t) (local.get $q)))
      (v128.store (i32.add (local.get $c) (local.get $t)) (v128.const i32x4 0 0 0 0))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $zero)))
    (block $cdone (loop $chunks
      (br_if $cdone (i32.ge_s (local.get $t0) (local.get $N)))
      (local.set $tn (i32.sub (local.get $N) (local.get $t0)))
      (if (i32.gt_s (local.get $tn) (i32.const 256)) (then (local.set $tn (i32.const 256))))
      (local.set $i (i32.const 0))
      (block $idone (loop $rows
        (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $jo (i32.const 0))
        ;; 16 columns at a time: each a(i, t) splat once for four column blocks
        (block $j16done (loop $cols16
          (br_if $j16done (i32.gt_s (i32.add (local.get $jo) (i32.const 64)) (local.get $rs)))
          (local.set $ap (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))) (i32.mul (local.get $t0) (local.get $sat))))
          (local.set $bp (i32.add (i32.add (local.get $b) (i32.mul (local.get $t0) (local.get $rs))) (local.get $jo)))
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $t (local.get $tn))
          (loop $ts
            (local.set $s (v128.load32_splat (local.get $ap)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load (local.get $bp)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $bp)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $bp)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $sat)))
            (local.set $bp (i32.add (local.get $bp) (local.get $rs)))
            (local.tee $t (i32.sub (local.get $t) (i32.const 1)))
            (br_if $ts))
          (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rs))) (local.get $jo)))
          (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $a0)))
          (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $a1)))
          (v128.store offset=32 (local.get $cp) (f32x4.add (v128.load offset=32 (local.get $cp)) (local.get $a2)))
          (v128.store offset=48 (local.get $cp) (f32x4.add (v128.load offset=48 (local.get $cp)) (local.get $a3)))
          (local.set $jo (i32.add (local.get $jo) (i32.const 64)))
          (br $cols16)))
        ;; the last n mod 16 columns, 4 at a time, two rows of b per step
        (block $j4done (loop $cols4
          (br_if $j4done (i32.ge_s (local.get $jo) (local.get $rs)))
          (local.set $ap (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))) (i32.mul (local.get $t0) (local.get $sat))))
          (local.set $bp (i32.add (i32.add (local.get $b) (i32.mul (local.get $t0) (local.get $rs))) (local.get $jo)))
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $t (local.get $tn))
          (block $t2done (loop $t2
            (br_if $t2done (i32.lt_s (local.get $t) (i32.const 2)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load (local.get $bp)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load32_splat (i32.add (local.get $ap) (local.get $sat)))
                                                                  (v128.load (i32.add (local.get $bp) (local.get $rs))))))
            (local.set $ap (i32.add (local.get $ap) (i32.shl (local.get $sat) (i32.const 1))))
            (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $rs) (i32.const 1))))
            (local.set $t (i32.sub (local.get $t) (i32.const 2)))
            (br $t2)))
          (if (local.get $t)
            (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load (local.get $bp)))))))
          (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rs))) (local.get $jo)))
          (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (f32x4.add (local.get $a0) (local.get $a1))))
          (local.set $jo (i32.add (local.get $jo) (i32.const 16)))
          (br $cols4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $t0 (i32.add (local.get $t0) (i32.const 256)))
      (br $chunks)))
  )

  ;; c[i, j] = a[i] * b[j]: the outer product of a [m] and b [n] (a product whose contracted
  ;; dimension is 1), n a multiple of 4; c [m, n].
  (func $mm_outer (export "mm_outer") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32)
    (local $s v128) (local $j i32) (local $rs i32) (local $end i32)
    (local.set $rs (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $m) (i32.const 2))))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (v128.load32_splat (local.get $a)))
      (local.set $j (i32.const 0))
      (loop $cols
        (v128.store (i32.add (local.get $c) (local.get $j)) (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.tee $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $rs))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $c (i32.add (local.get $c) (local.get $rs)))
      (br $rows)))
  )

  ;; c[i] = sum_t a[i, t] * b[t]: a matrix [m, N] times a vector [N] (row sums of pooling windows,
  ;; per-row reductions); c [m]. Four lanes per row, then a horizontal sum and the last N mod 4.
  (func $mm_vec (export "mm_vec") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $N i32)
    (local $i i32) (local $t i32) (local $n4 i32) (local $acc v128) (local $s f32) (local $ap i32)
    (local.set $n4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $ap (local.get $a))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $t (i32.const 0))
      (block $vdone (loop $vecs
        (br_if $vdone (i32.ge_s (local.get $t) (local.get $n4)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load (i32.add (local.get $ap) (i32.shl (local.get $t) (i32.const 2))))
                     (v128.load (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 2)))))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $vecs)))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_s (local.get $t) (local.get $N)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (i32.add (local.get $ap) (i32.shl (local.get $t) (i32.const 2))))
                   (f32.load (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 2)))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tail)))
      (f32.store (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
      (local.set $ap (i32.add (local.get $ap) (i32.shl (local.get $N) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
