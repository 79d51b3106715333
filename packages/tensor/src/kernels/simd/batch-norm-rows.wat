;; nnkit's wasm SIMD kernels for training-mode batch norm over NCHW tensors seen as R = B*C rows
;; of L values (row r is channel r mod C): the per-row sums of the forward and backward passes,
;; accumulated in float32 over blocks of 64 values and in float64 across blocks (PyTorch-level
;; precision at 64 x 1000 values and more per channel), and the two per-channel affine maps.
;; Built to batch-norm-rows-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's
;; wat2wasm from npm, pinned); a test rebuilds it and compares the bytes. Imports
;; tfjs-backend-wasm's memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; the four float32 lanes of v, summed in float64
  (func $hsum (param $v v128) (result f64)
    (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))))

  ;; sum_t (p[t] - m) * (q[t] - mq) over one row of L values, for kind:
  ;; 0: sum p (m, mq unused), 1: sum (p - m)^2, 2: sum p*q
  (func $row (param $p i32) (param $q i32) (param $L i32) (param $m f32) (param $kind i32) (result f64)
    (local $acc f64) (local $v v128) (local $mv v128) (local $end i32) (local $blk i32) (local $a v128) (local $d v128)
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $L) (i32.const -4)) (i32.const 2))))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      ;; one block of at most 64 values (16 vectors) in float32
      (local.set $blk (i32.add (local.get $p) (i32.const 256)))
      (if (i32.gt_u (local.get $blk) (local.get $end)) (then (local.set $blk (local.get $end))))
      (local.set $a (v128.const i32x4 0 0 0 0))
      (loop $vecs
        (local.set $v (v128.load (local.get $p)))
        (if (i32.eq (local.get $kind) (i32.const 0))
          (then (local.set $a (f32x4.add (local.get $a) (local.get $v))))
          (else (if (i32.eq (local.get $kind) (i32.const 1))
            (then
              (local.set $d (f32x4.sub (local.get $v) (local.get $mv)))
              (local.set $a (f32x4.add (local.get $a) (f32x4.mul (local.get $d) (local.get $d)))))
            (else
              (local.set $a (f32x4.add (local.get $a) (f32x4.mul (local.get $v) (v128.load (local.get $q)))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $vecs (i32.lt_u (local.get $p) (local.get $blk))))
      (local.set $acc (f64.add (local.get $acc) (call $hsum (local.get $a))))
      (br $blocks)))
    ;; the last L mod 4 values
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $L) (i32.const 3)) (i32.const 2))))
    (block $tdone (loop $tail
      (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
      (if (i32.eq (local.get $kind) (i32.const 0))
        (then (local.set $acc (f64.add (local.get $acc) (f64.promote_f32 (f32.load (local.get $p))))))
        (else (if (i32.eq (local.get $kind) (i32.const 1))
          (then (local.set $acc (f64.add (local.get $acc)
            (f64.promote_f32 (f32.mul (f32.sub (f32.load (local.get $p)) (local.get $m)) (f32.sub (f32.load (local.get $p)) (local.get $m)))))))
          (else (local.set $acc (f64.add (local.get $acc)
            (f64.promote_f32 (f32.mul (f32.load (local.get $p)) (f32.load (local.get $q))))))))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $tail)))
    (local.get $acc))

  ;; out[r] (float64) = sum of row r of x [R, L]
  (func (export "row_sums") (param $x i32) (param $R i32) (param $L i32) (param $out i32)
    (local $r i32)
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $r) (local.get $R)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3)))
        (call $row (i32.add (local.get $x) (i32.mul (local.get $r) (i32.shl (local.get $L) (i32.const 2))))
                   (i32.const 0) (local.get $L) (f32.const 0) (i32.const 0)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; out[r] (float64) = sum_t (x[r, t] - m[r mod C])^2, m float32 [C]
  (func (export "row_centered_squares") (param $x i32) (param $m i32) (param $R i32) (param $L i32) (param $C i32) (param $out i32)
    (local $r i32)
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $r) (local.get $R)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3)))
        (call $row (i32.add (local.get $x) (i32.mul (local.get $r) (i32.shl (local.get $L) (i32.const 2))))
                   (i32.const 0) (local.get $L)
                   (f32.load (i32.add (local.get $m) (i32.shl (i32.rem_u (local.get $r) (local.get $C)) (i32.const 2))))
                   (i32.const 1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; out1[r] = sum of row r of dy, out2[r] = sum_t dy[r, t] * xc[r, t] (float64)
  (func (export "row_sums_and_dots") (param $dy i32) (param $xc i32) (param $R i32) (param $L i32) (param $out1 i32) (param $out2 i32)
    (local $r i32) (local $o i32)
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $r) (local.get $R)))
      (local.set $o (i32.mul (local.get $r) (i32.shl (local.get $L) (i32.const 2))))
      (f64.store (i32.add (local.get $out1) (i32.shl (local.get $r) (i32.const 3)))
        (call $row (i32.add (local.get $dy) (local.get $o)) (i32.const 0) (local.get $L) (f32.const 0) (i32.const 0)))
      (f64.store (i32.add (local.get $out2) (i32.shl (local.get $r) (i32.const 3)))
        (call $row (i32.add (local.get $dy) (local.get $o)) (i32.add (local.get $xc) (local.get $o)) (local.get $L) (f32.const 0) (i32.const 2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; y[r, t] = u'[r, t] * a[c] + v[r, t] * b[c] + s[c] with c = r mod C (a, b, s float32 [C]),
  ;; u' = u when xc = 0, else u' = u * a2[c] + s2[c] (the centred input of the forward pass),
  ;; also stored to xc. v = 0: no second input (v taken as 0).
  (func (export "row_affine")
    (param $u i32) (param $v i32) (param $a i32) (param $b i32) (param $s i32) (param $R i32) (param $L i32) (param $C i32)
    (param $y i32) (param $xc i32) (param $a2 i32) (param $s2 i32)
    (local $r i32) (local $c4 i32) (local $p i32) (local $end i32) (local $o i32)
    (local $av v128) (local $bv v128) (local $sv v128) (local $a2v v128) (local $s2v v128) (local $w v128) (local $z v128)
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $r) (local.get $R)))
      (local.set $c4 (i32.shl (i32.rem_u (local.get $r) (local.get $C)) (i32.const 2)))
      (local.set $av (v128.load32_splat (i32.add (local.get $a) (local.get $c4))))
      (local.set $sv (v128.load32_splat (i32.add (local.get $s) (local.get $c4))))
      (if (local.get $v) (then (local.set $bv (v128.load32_splat (i32.add (local.get $b) (local.get $c4))))))
      (if (local.get $xc) (then
        (local.set $a2v (v128.load32_splat (i32.add (local.get $a2) (local.get $c4))))
        (local.set $s2v (v128.load32_splat (i32.add (local.get $s2) (local.get $c4))))))
      (local.set $o (i32.mul (local.get $r) (i32.shl (local.get $L) (i32.const 2))))
      (local.set $p (i32.const 0))
      (local.set $end (i32.shl (local.get $L) (i32.const 2)))
      (block $vdone (loop $vecs
        (br_if $vdone (i32.gt_s (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $w (v128.load (i32.add (local.get $u) (i32.add (local.get $o) (local.get $p)))))
        (if (local.get $xc) (then
          (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $a2v)) (local.get $s2v)))
          (v128.store (i32.add (local.get $xc) (i32.add (local.get $o) (local.get $p))) (local.get $w))))
        (local.set $z (f32x4.add (f32x4.mul (local.get $w) (local.get $av)) (local.get $sv)))
        (if (local.get $v) (then
          (local.set $z (f32x4.add (local.get $z)
            (f32x4.mul (v128.load (i32.add (local.get $v) (i32.add (local.get $o) (local.get $p)))) (local.get $bv))))))
        (v128.store (i32.add (local.get $y) (i32.add (local.get $o) (local.get $p))) (local.get $z))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vecs)))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $w (v128.load32_splat (i32.add (local.get $u) (i32.add (local.get $o) (local.get $p)))))
        (if (local.get $xc) (then
          (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $a2v)) (local.get $s2v)))
          (f32.store (i32.add (local.get $xc) (i32.add (local.get $o) (local.get $p))) (f32x4.extract_lane 0 (local.get $w)))))
        (local.set $z (f32x4.add (f32x4.mul (local.get $w) (local.get $av)) (local.get $sv)))
        (if (local.get $v) (then
          (local.set $z (f32x4.add (local.get $z)
            (f32x4.mul (v128.load32_splat (i32.add (local.get $v) (i32.add (local.get $o) (local.get $p)))) (local.get $bv))))))
        (f32.store (i32.add (local.get $y) (i32.add (local.get $o) (local.get $p))) (f32x4.extract_lane 0 (local.get $z)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))
)
