;; nnkit's wasm SIMD kernel for a general matrix product without packing either operand:
;; c = a . b with b [K, n] row-major (n a multiple of 8) and a(i, t) at a + i*sai + t*sat (bytes:
;; a [m, K] has sai = 4K, sat = 4; a transposed, [K, m], has sai = 4, sat = 4m). Register tiles of
;; 4 rows x 8 columns (eight accumulators, each a(i, t) splat once for two vectors of b), the last
;; m mod 4 rows one at a time; b is read in chunks of rows that stay in cache while every row of
;; a passes over them, and each tile of c carries its sums from one chunk to the next, so every
;; c[i, j] is the plain running sum over t = 0 .. K-1 (a product, then an add, in float32) whichever
;; tile it is in: a row of c does not depend on how many rows a has. tfjs-backend-wasm's XNNPACK
;; GEMM repacks b on every call with a new b (a convolution's filter in training, every call of
;; conv2d on a PyTorch-layout weight), which costs more than the product when a has few rows.
;; Built to matmul-tiles-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm
;; from npm, pinned); a test rebuilds it and compares the bytes. Imports tfjs-backend-wasm's memory.
(module
  (import "env" "memory" (memory 1))

  (func (export "mm_tiles")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $K i32) (param $n i32)
    (param $sai i32) (param $sat i32)
    (local $rs i32) (local $kc i32) (local $t0 i32) (local $tn i32) (local $i i32) (local $jo i32)
    (local $ap i32) (local $bp i32) (local $cp i32) (local $t i32) (local $q i32)
    (local $s2 i32) (local $s3 i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rs (i32.shl (local.get $n) (i32.const 2)))
    (local.set $s2 (i32.shl (local.get $sai) (i32.const 1)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $sai)))
    ;; rows of b per chunk: ~256 KiB of b, between 8 and 256 rows
    (local.set $kc (i32.div_u (i32.const 262144) (local.get $rs)))
    (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
    (if (i32.lt_u (local.get $kc) (i32.const 8)) (then (local.set $kc (i32.const 8))))
    ;; c = 0
    (local.set $q (i32.mul (local.get $m) (local.get $rs)))
    (local.set $t (i32.const 0))
    (block $zd (loop $zero
      (br_if $zd (i32.ge_u (local.get $t) (local.get $q)))
      (v128.store (i32.add (local.get $c) (local.get $t)) (v128.const i32x4 0 0 0 0))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $zero)))
    (block $cdone (loop $chunks
      (br_if $cdone (i32.ge_s (local.get $t0) (local.get $K)))
      (local.set $tn (i32.sub (local.get $K) (local.get $t0)))
      (if (i32.gt_s (local.get $tn) (local.get $kc)) (then (local.set $tn (local.get $kc))))
      ;; 4 rows at a time
      (local.set $i (i32.const 0))
      (block $i4done (loop $rows4
        (br_if $i4done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $jo (i32.const 0))
        (block $jdone (loop $cols
          (br_if $jdone (i32.ge_s (local.get $jo) (local.get $rs)))
          (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rs))) (local.get $jo)))
          (local.set $c00 (v128.load (local.get $cp)))
          (local.set $c01 (v128.load offset=16 (local.get $cp)))
          (local.set $c10 (v128.load (i32.add (local.get $cp) (local.get $rs))))
          (local.set $c11 (v128.load offset=16 (i32.add (local.get $cp) (local.get $rs))))
          (local.set $c20 (v128.load (i32.add (local.get $cp) (i32.shl (local.get $rs) (i32.const 1)))))
          (local.set $c21 (v128.load offset=16 (i32.add (local.get $cp) (i32.shl (local.get $rs) (i32.const 1)))))
          (local.set $c30 (v128.load (i32.add (local.get $cp) (i32.mul (local.get $rs) (i32.const 3)))))
          (local.set $c31 (v128.load offset=16 (i32.add (local.get $cp) (i32.mul (local.get $rs) (i32.const 3)))))
          (local.set $ap (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))) (i32.mul (local.get $t0) (local.get $sat))))
          (local.set $bp (i32.add (i32.add (local.get $b) (i32.mul (local.get $t0) (local.get $rs))) (local.get $jo)))
          (local.set $t (local.get $tn))
          (loop $ts
            (local.set $b0 (v128.load (local.get $bp)))
            (local.set $b1 (v128.load offset=16 (local.get $bp)))
            (local.set $s (v128.load32_splat (local.get $ap)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $ap) (local.get $sai))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $ap) (local.get $s2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $ap) (local.get $s3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $ap (i32.add (local.get $ap) (local.get $sat)))
            (local.set $bp (i32.add (local.get $bp) (local.get $rs)))
            (local.tee $t (i32.sub (local.get $t) (i32.const 1)))
            (br_if $ts))
          (v128.store (local.get $cp) (local.get $c00))
          (v128.store offset=16 (local.get $cp) (local.get $c01))
          (v128.store (i32.add (local.get $cp) (local.get $rs)) (local.get $c10))
          (v128.store offset=16 (i32.add (local.get $cp) (local.get $rs)) (local.get $c11))
          (v128.store (i32.add (local.get $cp) (i32.shl (local.get $rs) (i32.const 1))) (local.get $c20))
          (v128.store offset=16 (i32.add (local.get $cp) (i32.shl (local.get $rs) (i32.const 1))) (local.get $c21))
          (v128.store (i32.add (local.get $cp) (i32.mul (local.get $rs) (i32.const 3))) (local.get $c30))
          (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (local.get $rs) (i32.const 3))) (local.get $c31))
          (local.set $jo (i32.add (local.get $jo) (i32.const 32)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
      ;; the last m mod 4 rows, one at a time (the same running sums)
      (block $i1done (loop $rows1
        (br_if $i1done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $jo (i32.const 0))
        (block $j1done (loop $cols1
          (br_if $j1done (i32.ge_s (local.get $jo) (local.get $rs)))
          (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rs))) (local.get $jo)))
          (local.set $c00 (v128.load (local.get $cp)))
          (local.set $c01 (v128.load offset=16 (local.get $cp)))
          (local.set $ap (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))) (i32.mul (local.get $t0) (local.get $sat))))
          (local.set $bp (i32.add (i32.add (local.get $b) (i32.mul (local.get $t0) (local.get $rs))) (local.get $jo)))
          (local.set $t (local.get $tn))
          (loop $ts1
            (local.set $s (v128.load32_splat (local.get $ap)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (v128.load (local.get $bp)))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $sat)))
            (local.set $bp (i32.add (local.get $bp) (local.get $rs)))
            (local.tee $t (i32.sub (local.get $t) (i32.const 1)))
            (br_if $ts1))
          (v128.store (local.get $cp) (local.get $c00))
          (v128.store offset=16 (local.get $cp) (local.get $c01))
          (local.set $jo (i32.add (local.get $jo) (i32.const 32)))
          (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1)))
      (local.set $t0 (i32.add (local.get $t0) (local.get $kc)))
      (br $chunks)))
  )
)
