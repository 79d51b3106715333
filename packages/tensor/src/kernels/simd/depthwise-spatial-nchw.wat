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

  ;; g[$gp] += the dot product of the T values at $xp and $dp ($ts bytes): four accumulators over
  ;; blocks of 16 values, then blocks of 4 into the first, the four added ((a0 + a1) + (a2 + a3)),
  ;; the lanes ((0 + 1) + (2 + 3)), then the last T mod 4 terms one at a time.
  (func $dot1 (param $xp i32) (param $dp i32) (param $ts i32) (param $gp i32)
    (local $t i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
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
    (call $dot_end (local.get $a0) (local.get $dp) (local.get $xp) (local.get $t) (local.get $ts) (local.get $gp)))

  ;; g[$gp] += ((lane 0 + lane 1) + (lane 2 + lane 3)) of $a, then the terms from byte $t to $ts
  ;; one at a time (x at $xp, dy at $dp).
  (func $dot_end (param $a v128) (param $dp i32) (param $xp i32) (param $t i32) (param $ts i32) (param $gp i32)
    (local $s f32)
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
                           (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $t) (local.get $ts)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (i32.add (local.get $xp) (local.get $t))) (f32.load (i32.add (local.get $dp) (local.get $t))))))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br $l)))
    (f32.store (local.get $gp) (f32.add (f32.load (local.get $gp)) (local.get $s))))

  ;; Eight dot products: dy rows at $dp and $dp + ts against the x rows at $xp, $xp + ts, + 2ts,
  ;; + 3ts (2 x 4: two loads of dy and four of x feed eight products), each lane summing the
  ;; terms t = lane (mod 4) (blocks of 4 values), then as $dot_end; added into g at $gp + 4j
  ;; (x row j) and, for the second dy row, $gp + $gs + 4j.
  (func $dots24 (param $xp i32) (param $dp i32) (param $ts i32) (param $gp i32) (param $gs i32)
    (local $t i32) (local $t4 i32) (local $d0 v128) (local $d1 v128) (local $x0 v128) (local $x1 v128)
    (local $x2 v128) (local $x3 v128)
    (local $a00 v128) (local $a01 v128) (local $a02 v128) (local $a03 v128)
    (local $a10 v128) (local $a11 v128) (local $a12 v128) (local $a13 v128)
    (local $ts2 i32) (local $ts3 i32) (local $dp1 i32)
    (local.set $ts2 (i32.shl (local.get $ts) (i32.const 1)))
    (local.set $ts3 (i32.add (local.get $ts2) (local.get $ts)))
    (local.set $dp1 (i32.add (local.get $dp) (local.get $ts)))
    (local.set $t4 (i32.and (local.get $ts) (i32.const -16)))
    (block $td (loop $tl
      (br_if $td (i32.ge_s (local.get $t) (local.get $t4)))
      (local.set $d0 (v128.load (i32.add (local.get $dp) (local.get $t))))
      (local.set $d1 (v128.load (i32.add (local.get $dp1) (local.get $t))))
      (local.set $x0 (v128.load (i32.add (local.get $xp) (local.get $t))))
      (local.set $x1 (v128.load (i32.add (i32.add (local.get $xp) (local.get $ts)) (local.get $t))))
      (local.set $x2 (v128.load (i32.add (i32.add (local.get $xp) (local.get $ts2)) (local.get $t))))
      (local.set $x3 (v128.load (i32.add (i32.add (local.get $xp) (local.get $ts3)) (local.get $t))))
      (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $d0) (local.get $x0))))
      (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $d0) (local.get $x1))))
      (local.set $a02 (f32x4.add (local.get $a02) (f32x4.mul (local.get $d0) (local.get $x2))))
      (local.set $a03 (f32x4.add (local.get $a03) (f32x4.mul (local.get $d0) (local.get $x3))))
      (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $d1) (local.get $x0))))
      (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $d1) (local.get $x1))))
      (local.set $a12 (f32x4.add (local.get $a12) (f32x4.mul (local.get $d1) (local.get $x2))))
      (local.set $a13 (f32x4.add (local.get $a13) (f32x4.mul (local.get $d1) (local.get $x3))))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $tl)))
    (call $dot_end (local.get $a00) (local.get $dp) (local.get $xp) (local.get $t4) (local.get $ts) (local.get $gp))
    (call $dot_end (local.get $a01) (local.get $dp) (i32.add (local.get $xp) (local.get $ts)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 4)))
    (call $dot_end (local.get $a02) (local.get $dp) (i32.add (local.get $xp) (local.get $ts2)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 8)))
    (call $dot_end (local.get $a03) (local.get $dp) (i32.add (local.get $xp) (local.get $ts3)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 12)))
    (local.set $gp (i32.add (local.get $gp) (local.get $gs)))
    (call $dot_end (local.get $a10) (local.get $dp1) (local.get $xp) (local.get $t4) (local.get $ts) (local.get $gp))
    (call $dot_end (local.get $a11) (local.get $dp1) (i32.add (local.get $xp) (local.get $ts)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 4)))
    (call $dot_end (local.get $a12) (local.get $dp1) (i32.add (local.get $xp) (local.get $ts2)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 8)))
    (call $dot_end (local.get $a13) (local.get $dp1) (i32.add (local.get $xp) (local.get $ts3)) (local.get $t4) (local.get $ts) (i32.add (local.get $gp) (i32.const 12))))

  ;; g[c, m, h] = sum_b sum_t dy[b, c*M + m, t] * x[b, c, h, t]; g [C*M*H] overwritten, each
  ;; (b, c) block's dot products added in order of b. With $tiles, pairs of dy rows against four
  ;; x rows at a time ($dots24), the other (m, h) one at a time ($dot1); without, all one at a
  ;; time. Which way a g value is summed depends only on (m, h) and T, never on b, so a block's
  ;; sums are the same in any batch.
  (func (export "dsn_filter_grad") (param $x i32) (param $dy i32) (param $g i32) (param $B i32) (param $C i32)
        (param $M i32) (param $H i32) (param $T i32) (param $tiles i32)
    (local $i i32) (local $n i32) (local $c i32) (local $m i32) (local $h i32) (local $hq i32) (local $ts i32)
    (local $xb i32) (local $dyb i32) (local $gc i32) (local $gs i32) (local $pair i32)
    (local.set $ts (i32.shl (local.get $T) (i32.const 2)))
    (local.set $gs (i32.shl (local.get $H) (i32.const 2)))
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
      ;; g row of (c, m): gc + m*gs
      (local.set $gc (i32.add (local.get $g) (i32.mul (i32.mul (local.get $c) (local.get $M)) (local.get $gs))))
      (local.set $m (i32.const 0))
      (block $mdone (loop $ml
        (br_if $mdone (i32.ge_s (local.get $m) (local.get $M)))
        (local.set $hq (i32.const 0))
        (local.set $pair (i32.and (local.get $tiles) (i32.lt_s (i32.add (local.get $m) (i32.const 1)) (local.get $M))))
        (if (local.get $pair)
          (then
            (block $qd (loop $ql
              (br_if $qd (i32.gt_s (i32.add (local.get $hq) (i32.const 4)) (local.get $H)))
              (call $dots24 (i32.add (local.get $xb) (i32.mul (local.get $hq) (local.get $ts)))
                            (i32.add (local.get $dyb) (i32.mul (local.get $m) (local.get $ts)))
                            (local.get $ts)
                            (i32.add (i32.add (local.get $gc) (i32.mul (local.get $m) (local.get $gs))) (i32.shl (local.get $hq) (i32.const 2)))
                            (local.get $gs))
              (local.set $hq (i32.add (local.get $hq) (i32.const 4)))
              (br $ql)))
            ;; the pair's other x rows, second row of the pair
            (local.set $h (local.get $hq))
            (block $hd2 (loop $hl2
              (br_if $hd2 (i32.ge_s (local.get $h) (local.get $H)))
              (call $dot1 (i32.add (local.get $xb) (i32.mul (local.get $h) (local.get $ts)))
                          (i32.add (local.get $dyb) (i32.mul (i32.add (local.get $m) (i32.const 1)) (local.get $ts)))
                          (local.get $ts)
                          (i32.add (i32.add (local.get $gc) (i32.mul (i32.add (local.get $m) (i32.const 1)) (local.get $gs))) (i32.shl (local.get $h) (i32.const 2))))
              (local.set $h (i32.add (local.get $h) (i32.const 1)))
              (br $hl2)))))
        ;; row m's x rows from hq one at a time
        (local.set $h (local.get $hq))
        (block $hd (loop $hl
          (br_if $hd (i32.ge_s (local.get $h) (local.get $H)))
          (call $dot1 (i32.add (local.get $xb) (i32.mul (local.get $h) (local.get $ts)))
                      (i32.add (local.get $dyb) (i32.mul (local.get $m) (local.get $ts)))
                      (local.get $ts)
                      (i32.add (i32.add (local.get $gc) (i32.mul (local.get $m) (local.get $gs))) (i32.shl (local.get $h) (i32.const 2))))
          (local.set $h (i32.add (local.get $h) (i32.const 1)))
          (br $hl)))
        ;; a pair advances by two rows
        (local.set $m (i32.add (local.get $m) (select (i32.const 2) (i32.const 1) (local.get $pair))))
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
