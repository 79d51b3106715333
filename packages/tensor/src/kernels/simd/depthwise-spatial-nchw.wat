;; nnkit's wasm SIMD kernels for a depthwise convolution whose kernel spans every row of the
;; input and is one column wide (EEGNet's spatial filter Conv2d(C, C*M, (H, 1), groups=C)), in
;; PyTorch's own layout, NCHW: x [B, C, H, T], weight [C*M, 1, H, 1] (output channel c*M + m),
;; y [B, C*M, 1, T]. Vectorised along T (any T: blocks of 16 and 4 values, then one at a time),
;; so C and M may be anything and no layout transpose is needed. Every output value is summed in
;; the same order (k = 0 .. K-1, a product then an add, in float32) whether its lane is in a
;; vector block or in the scalar tail: a sample's result does not depend on T's blocking or on
;; the batch. Built to depthwise-spatial-nchw-binary.ts by
;; `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm from npm, pinned); a test rebuilds
;; it and compares the bytes. Imports tfjs-backend-wasm's memory (pointers are byte offsets).
(module
  (import "env" "memory" (memory 1))

  ;; Row r of one block, 16 values per step (four accumulators): y[r, t] for t < 16*floor(T/16).
  ;; $ap: the row's first filter value; returns the byte offset where the step stopped.
  (func $row16 (param $ap i32) (param $xb i32) (param $yp i32) (param $ts i32) (param $K i32) (param $ak i32) (result i32)
    (local $t i32) (local $xp i32) (local $aq i32) (local $k i32) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $done (loop $tl
      (br_if $done (i32.gt_s (i32.add (local.get $t) (i32.const 64)) (local.get $ts)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (i32.add (local.get $xb) (local.get $t)))
      (local.set $aq (local.get $ap))
      (local.set $k (local.get $K))
      (loop $kl
        (local.set $wv (v128.load32_splat (local.get $aq)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $wv) (v128.load (local.get $xp)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $wv) (v128.load offset=16 (local.get $xp)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $wv) (v128.load offset=32 (local.get $xp)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $wv) (v128.load offset=48 (local.get $xp)))))
        (local.set $xp (i32.add (local.get $xp) (local.get $ts)))
        (local.set $aq (i32.add (local.get $aq) (local.get $ak)))
        (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $kl))
      (v128.store (i32.add (local.get $yp) (local.get $t)) (local.get $a0))
      (v128.store offset=16 (i32.add (local.get $yp) (local.get $t)) (local.get $a1))
      (v128.store offset=32 (i32.add (local.get $yp) (local.get $t)) (local.get $a2))
      (v128.store offset=48 (i32.add (local.get $yp) (local.get $t)) (local.get $a3))
      (local.set $t (i32.add (local.get $t) (i32.const 64)))
      (br $tl)))
    (local.get $t))

  ;; The rest of one row from byte offset $t: 4 values per step, then the last T mod 4 one at a time.
  (func $tail (param $ap i32) (param $xb i32) (param $yp i32) (param $t i32) (param $ts i32) (param $K i32) (param $ak i32)
    (local $xp i32) (local $aq i32) (local $k i32) (local $a0 v128) (local $s f32)
    (block $t4done (loop $t4
      (br_if $t4done (i32.gt_s (i32.add (local.get $t) (i32.const 16)) (local.get $ts)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $xp (i32.add (local.get $xb) (local.get $t)))
      (local.set $aq (local.get $ap))
      (local.set $k (local.get $K))
      (loop $k4
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $aq)) (v128.load (local.get $xp)))))
        (local.set $xp (i32.add (local.get $xp) (local.get $ts)))
        (local.set $aq (i32.add (local.get $aq) (local.get $ak)))
        (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $k4))
      (v128.store (i32.add (local.get $yp) (local.get $t)) (local.get $a0))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $t4)))
    (block $t1done (loop $t1
      (br_if $t1done (i32.ge_s (local.get $t) (local.get $ts)))
      (local.set $s (f32.const 0))
      (local.set $xp (i32.add (local.get $xb) (local.get $t)))
      (local.set $aq (local.get $ap))
      (local.set $k (local.get $K))
      (loop $k1
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $aq)) (f32.load (local.get $xp)))))
        (local.set $xp (i32.add (local.get $xp) (local.get $ts)))
        (local.set $aq (i32.add (local.get $aq) (local.get $ak)))
        (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $k1))
      (f32.store (i32.add (local.get $yp) (local.get $t)) (local.get $s))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br $t1))))

  ;; For each of the BC blocks i = b*C + c: y[i, r, t] = sum_k a[c, r*ar + k*ak] * x[i, k, t],
  ;; with R*K filter values per channel c, x blocks of K rows and y blocks of R rows of T values,
  ;; one row at a time (a block's K input rows stay in cache for its R rows; measured: pairs of
  ;; rows sharing their x loads ran 1.5x slower, short of vector registers). The forward pass is R = M, K = H, ar = H, ak = 1 (x the input, y the
  ;; output); the input gradient is R = H, K = M, ar = 1, ak = H (x the output gradient, y the
  ;; input gradient).
  (func (export "dsn_rows") (param $a i32) (param $x i32) (param $y i32) (param $BC i32) (param $C i32)
        (param $R i32) (param $K i32) (param $T i32) (param $ar i32) (param $ak i32)
    (local $i i32) (local $c i32) (local $ab i32) (local $xb i32) (local $yb i32) (local $r i32)
    (local $ap i32) (local $yp i32) (local $t i32) (local $ts i32) (local $blk i32)
    (local.set $ts (i32.shl (local.get $T) (i32.const 2)))
    (local.set $ar (i32.shl (local.get $ar) (i32.const 2)))
    (local.set $ak (i32.shl (local.get $ak) (i32.const 2)))
    (local.set $blk (i32.shl (i32.mul (local.get $R) (local.get $K)) (i32.const 2)))
    (local.set $xb (local.get $x))
    (local.set $yb (local.get $y))
    (block $idone (loop $il
      (br_if $idone (i32.ge_s (local.get $i) (local.get $BC)))
      (local.set $ab (i32.add (local.get $a) (i32.mul (local.get $c) (local.get $blk))))
      (local.set $r (i32.const 0))
      (block $rdone (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $R)))
        (local.set $ap (i32.add (local.get $ab) (i32.mul (local.get $r) (local.get $ar))))
        (local.set $yp (i32.add (local.get $yb) (i32.mul (local.get $r) (local.get $ts))))
        (local.set $t (call $row16 (local.get $ap) (local.get $xb) (local.get $yp) (local.get $ts) (local.get $K) (local.get $ak)))
        (call $tail (local.get $ap) (local.get $xb) (local.get $yp) (local.get $t) (local.get $ts) (local.get $K) (local.get $ak))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl)))
      (local.set $xb (i32.add (local.get $xb) (i32.mul (local.get $K) (local.get $ts))))
      (local.set $yb (i32.add (local.get $yb) (i32.mul (local.get $R) (local.get $ts))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (if (i32.eq (local.get $c) (local.get $C)) (then (local.set $c (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il)))
  )

  ;; g[c, m, h] = sum_b sum_t dy[b, c*M + m, t] * x[b, c, h, t]; g [C*M*H] overwritten, each
  ;; (b, c) block's dot products added in order of b.
  (func (export "dsn_filter_grad") (param $x i32) (param $dy i32) (param $g i32) (param $B i32) (param $C i32)
        (param $M i32) (param $H i32) (param $T i32)
    (local $i i32) (local $n i32) (local $c i32) (local $m i32) (local $h i32) (local $ts i32) (local $t i32)
    (local $xb i32) (local $dyb i32) (local $xp i32) (local $dp i32) (local $gp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $ts (i32.shl (local.get $T) (i32.const 2)))
    (local.set $n (i32.mul (i32.mul (local.get $C) (local.get $M)) (local.get $H)))
    (block $zdone (loop $zl
      (br_if $zdone (i32.ge_s (local.get $i) (local.get $n)))
      (f32.store (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))) (f32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $zl)))
    (local.set $n (i32.mul (local.get $B) (local.get $C)))
    (local.set $i (i32.const 0))
    (local.set $xb (local.get $x))
    (local.set $dyb (local.get $dy))
    (block $idone (loop $il
      (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $gp (i32.add (local.get $g) (i32.shl (i32.mul (i32.mul (local.get $c) (local.get $M)) (local.get $H)) (i32.const 2))))
      (local.set $m (i32.const 0))
      (block $mdone (loop $ml
        (br_if $mdone (i32.ge_s (local.get $m) (local.get $M)))
        (local.set $h (i32.const 0))
        (block $hdone (loop $hl
          (br_if $hdone (i32.ge_s (local.get $h) (local.get $H)))
          (local.set $xp (i32.add (local.get $xb) (i32.mul (local.get $h) (local.get $ts))))
          (local.set $dp (i32.add (local.get $dyb) (i32.mul (local.get $m) (local.get $ts))))
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $t (i32.const 0))
          (block $t16done (loop $t16
            (br_if $t16done (i32.gt_s (i32.add (local.get $t) (i32.const 64)) (local.get $ts)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $t))) (v128.load (i32.add (local.get $dp) (local.get $t))))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (i32.add (local.get $xp) (local.get $t))) (v128.load offset=16 (i32.add (local.get $dp) (local.get $t))))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (i32.add (local.get $xp) (local.get $t))) (v128.load offset=32 (i32.add (local.get $dp) (local.get $t))))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (i32.add (local.get $xp) (local.get $t))) (v128.load offset=48 (i32.add (local.get $dp) (local.get $t))))))
            (local.set $t (i32.add (local.get $t) (i32.const 64)))
            (br $t16)))
          (block $t4done (loop $t4
            (br_if $t4done (i32.gt_s (i32.add (local.get $t) (i32.const 16)) (local.get $ts)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $t))) (v128.load (i32.add (local.get $dp) (local.get $t))))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $t4)))
          (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
          (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                                 (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
          (block $t1done (loop $t1
            (br_if $t1done (i32.ge_s (local.get $t) (local.get $ts)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (i32.add (local.get $xp) (local.get $t))) (f32.load (i32.add (local.get $dp) (local.get $t))))))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $t1)))
          (f32.store (local.get $gp) (f32.add (f32.load (local.get $gp)) (local.get $s)))
          (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
          (local.set $h (i32.add (local.get $h) (i32.const 1)))
          (br $hl)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $ml)))
      (local.set $xb (i32.add (local.get $xb) (i32.mul (local.get $H) (local.get $ts))))
      (local.set $dyb (i32.add (local.get $dyb) (i32.mul (local.get $M) (local.get $ts))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (if (i32.eq (local.get $c) (local.get $C)) (then (local.set $c (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il)))
  )

  ;; The same sums as dsn_rows, in the same order, with the loops the other way round: for each
  ;; block, for k, for r: y[r, :] = y[r, :] + a[r, k] * x[k, :] (0 + the product for k = 0), so
  ;; each input row is streamed once while the block's R output rows stay in cache. Measured on
  ;; EEGNet's forward shape (R = 2, K = 22, T = 1000): 3.0-3.8 ms against 4.9-5.6 for dsn_rows,
  ;; whose 22 strided input streams the prefetcher follows less well; dsn_rows is faster for the
  ;; input gradient (R = 22, K = 2: 2.9-3.6 against 3.6-4.7 ms).
  (func (export "dsn_stream") (param $a i32) (param $x i32) (param $y i32) (param $BC i32) (param $C i32)
        (param $R i32) (param $K i32) (param $T i32) (param $ar i32) (param $ak i32)
    (local $i i32) (local $c i32) (local $ab i32) (local $xb i32) (local $yb i32) (local $r i32) (local $k i32)
    (local $xp i32) (local $yp i32) (local $t i32) (local $ts i32) (local $blk i32) (local $wv v128) (local $ws f32) (local $e i32)
    (local.set $ts (i32.shl (local.get $T) (i32.const 2)))
    (local.set $e (i32.and (local.get $ts) (i32.const -16)))
    (local.set $ar (i32.shl (local.get $ar) (i32.const 2)))
    (local.set $ak (i32.shl (local.get $ak) (i32.const 2)))
    (local.set $blk (i32.shl (i32.mul (local.get $R) (local.get $K)) (i32.const 2)))
    (local.set $xb (local.get $x))
    (local.set $yb (local.get $y))
    (block $idone (loop $il
      (br_if $idone (i32.ge_s (local.get $i) (local.get $BC)))
      (local.set $ab (i32.add (local.get $a) (i32.mul (local.get $c) (local.get $blk))))
      (local.set $k (i32.const 0))
      (block $kdone (loop $kl
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
        (local.set $xp (i32.add (local.get $xb) (i32.mul (local.get $k) (local.get $ts))))
        (local.set $r (i32.const 0))
        (block $rdone (loop $rl
          (br_if $rdone (i32.ge_s (local.get $r) (local.get $R)))
          (local.set $yp (i32.add (local.get $yb) (i32.mul (local.get $r) (local.get $ts))))
          (local.set $ws (f32.load (i32.add (local.get $ab) (i32.add (i32.mul (local.get $r) (local.get $ar)) (i32.mul (local.get $k) (local.get $ak))))))
          (local.set $wv (f32x4.splat (local.get $ws)))
          (local.set $t (i32.const 0))
          (if (i32.eqz (local.get $k))
            (then
              (block $d0 (loop $l0
                (br_if $d0 (i32.ge_s (local.get $t) (local.get $e)))
                (v128.store (i32.add (local.get $yp) (local.get $t)) (f32x4.add (v128.const i32x4 0 0 0 0) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $xp) (local.get $t))))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $l0)))
              (block $d1 (loop $l1
                (br_if $d1 (i32.ge_s (local.get $t) (local.get $ts)))
                (f32.store (i32.add (local.get $yp) (local.get $t)) (f32.add (f32.const 0) (f32.mul (local.get $ws) (f32.load (i32.add (local.get $xp) (local.get $t))))))
                (local.set $t (i32.add (local.get $t) (i32.const 4)))
                (br $l1))))
            (else
              (block $d2 (loop $l2
                (br_if $d2 (i32.ge_s (local.get $t) (local.get $e)))
                (v128.store (i32.add (local.get $yp) (local.get $t)) (f32x4.add (v128.load (i32.add (local.get $yp) (local.get $t))) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $xp) (local.get $t))))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $l2)))
              (block $d3 (loop $l3
                (br_if $d3 (i32.ge_s (local.get $t) (local.get $ts)))
                (f32.store (i32.add (local.get $yp) (local.get $t)) (f32.add (f32.load (i32.add (local.get $yp) (local.get $t))) (f32.mul (local.get $ws) (f32.load (i32.add (local.get $xp) (local.get $t))))))
                (local.set $t (i32.add (local.get $t) (i32.const 4)))
                (br $l3)))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rl)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kl)))
      (local.set $xb (i32.add (local.get $xb) (i32.mul (local.get $K) (local.get $ts))))
      (local.set $yb (i32.add (local.get $yb) (i32.mul (local.get $R) (local.get $ts))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (if (i32.eq (local.get $c) (local.get $C)) (then (local.set $c (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il)))
  )
)
