;; nnkit's wasm SIMD kernels for a depthwise convolution whose kernel spans every row of the
;; input and is one column wide (EEGNet's spatial filter Conv2d(F, F*M, (H, 1), groups=F)), in
;; NHWC: x [B, H, W, C], filter [H, C*M] (output channel o = c*M + m), y [B, 1, W, C*M]; M is 1
;; or 2 and C a multiple of 4. Forward, input gradient and filter gradient. With M = 2 each input
;; vector (channels c..c+3) is spread to two output blocks by a lane shuffle (c, c, c+1, c+1 and
;; c+2, c+2, c+3, c+3), and the input gradient folds each output block's pairs back.
;; Built to depthwise-spatial-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's
;; wat2wasm from npm, pinned); a test rebuilds it and compares the bytes. Imports
;; tfjs-backend-wasm's memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; y[b, w, o] = sum_h f[h, o] * x[b, h, w, o / M]
  (func (export "dws_forward") (param $x i32) (param $f i32) (param $y i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $M i32)
    (local $cs i32) (local $os i32) (local $plane i32) (local $b i32) (local $w i32) (local $kb i32) (local $h i32)
    (local $xp i32) (local $yp i32) (local $xq i32) (local $fq i32) (local $xv v128) (local $a0 v128) (local $a1 v128)
    (local.set $cs (i32.shl (local.get $C) (i32.const 2)))
    (local.set $os (i32.mul (local.get $cs) (local.get $M)))
    (local.set $plane (i32.mul (local.get $W) (local.get $cs)))
    (local.set $yp (local.get $y))
    (block $bdone (loop $bl
      (br_if $bdone (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $w (i32.const 0))
      (block $wdone (loop $wl
        (br_if $wdone (i32.ge_s (local.get $w) (local.get $W)))
        (local.set $xp (i32.add (local.get $x) (i32.add (i32.mul (local.get $b) (i32.mul (local.get $H) (local.get $plane))) (i32.mul (local.get $w) (local.get $cs)))))
        (local.set $kb (i32.const 0))
        (loop $kl
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $xq (i32.add (local.get $xp) (local.get $kb)))
          (local.set $fq (i32.add (local.get $f) (i32.mul (local.get $kb) (local.get $M))))
          (local.set $h (local.get $H))
          (if (i32.eq (local.get $M) (i32.const 1))
            (then
              (loop $hl1
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $fq)) (v128.load (local.get $xq)))))
                (local.set $xq (i32.add (local.get $xq) (local.get $plane)))
                (local.set $fq (i32.add (local.get $fq) (local.get $os)))
                (local.tee $h (i32.sub (local.get $h) (i32.const 1)))
                (br_if $hl1))
              (v128.store (i32.add (local.get $yp) (local.get $kb)) (local.get $a0)))
            (else
              (loop $hl2
                (local.set $xv (v128.load (local.get $xq)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $fq))
                  (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $fq))
                  (i8x16.shuffle 8 9 10 11 8 9 10 11 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))))
                (local.set $xq (i32.add (local.get $xq) (local.get $plane)))
                (local.set $fq (i32.add (local.get $fq) (local.get $os)))
                (local.tee $h (i32.sub (local.get $h) (i32.const 1)))
                (br_if $hl2))
              (v128.store (i32.add (local.get $yp) (i32.shl (local.get $kb) (i32.const 1))) (local.get $a0))
              (v128.store offset=16 (i32.add (local.get $yp) (i32.shl (local.get $kb) (i32.const 1))) (local.get $a1))))
          (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
          (br_if $kl (i32.lt_s (local.get $cs))))
        (local.set $yp (i32.add (local.get $yp) (local.get $os)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $wl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )

  ;; dx[b, h, w, c] = sum_m dy[b, w, c*M + m] * f[h, c*M + m]
  (func (export "dws_input_grad") (param $dy i32) (param $f i32) (param $dx i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $M i32)
    (local $cs i32) (local $os i32) (local $b i32) (local $h i32) (local $w i32) (local $kb i32)
    (local $dyp i32) (local $dxp i32) (local $fp i32) (local $p0 v128) (local $p1 v128)
    (local.set $cs (i32.shl (local.get $C) (i32.const 2)))
    (local.set $os (i32.mul (local.get $cs) (local.get $M)))
    (local.set $dxp (local.get $dx))
    (block $bdone (loop $bl
      (br_if $bdone (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $h (i32.const 0))
      (block $hdone (loop $hl
        (br_if $hdone (i32.ge_s (local.get $h) (local.get $H)))
        (local.set $fp (i32.add (local.get $f) (i32.mul (local.get $h) (local.get $os))))
        (local.set $dyp (i32.add (local.get $dy) (i32.mul (i32.mul (local.get $b) (local.get $W)) (local.get $os))))
        (local.set $w (i32.const 0))
        (block $wdone (loop $wl
          (br_if $wdone (i32.ge_s (local.get $w) (local.get $W)))
          (local.set $kb (i32.const 0))
          (if (i32.eq (local.get $M) (i32.const 1))
            (then
              (loop $k1
                (v128.store (i32.add (local.get $dxp) (local.get $kb))
                  (f32x4.mul (v128.load (i32.add (local.get $dyp) (local.get $kb))) (v128.load (i32.add (local.get $fp) (local.get $kb)))))
                (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
                (br_if $k1 (i32.lt_s (local.get $cs)))))
            (else
              (loop $k2
                (local.set $p0 (f32x4.mul (v128.load (i32.add (local.get $dyp) (i32.shl (local.get $kb) (i32.const 1))))
                                          (v128.load (i32.add (local.get $fp) (i32.shl (local.get $kb) (i32.const 1))))))
                (local.set $p1 (f32x4.mul (v128.load offset=16 (i32.add (local.get $dyp) (i32.shl (local.get $kb) (i32.const 1))))
                                          (v128.load offset=16 (i32.add (local.get $fp) (i32.shl (local.get $kb) (i32.const 1))))))
                ;; pairs (0, 1), (2, 3) of p0 then of p1: even lanes + odd lanes
                (v128.store (i32.add (local.get $dxp) (local.get $kb))
                  (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $p0) (local.get $p1))
                             (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $p0) (local.get $p1))))
                (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
                (br_if $k2 (i32.lt_s (local.get $cs))))))
          (local.set $dxp (i32.add (local.get $dxp) (local.get $cs)))
          (local.set $dyp (i32.add (local.get $dyp) (local.get $os)))
          (local.set $w (i32.add (local.get $w) (i32.const 1)))
          (br $wl)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )

  ;; g[h, o] = sum_{b, w} x[b, h, w, o / M] * dy[b, w, o]; g [H, C*M] overwritten
  (func (export "dws_filter_grad") (param $x i32) (param $dy i32) (param $g i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $M i32)
    (local $cs i32) (local $os i32) (local $plane i32) (local $h i32) (local $kb i32) (local $b i32) (local $w i32)
    (local $xp i32) (local $dyp i32) (local $gp i32) (local $xv v128) (local $xu v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $cs (i32.shl (local.get $C) (i32.const 2)))
    (local.set $os (i32.mul (local.get $cs) (local.get $M)))
    (local.set $plane (i32.mul (local.get $W) (local.get $cs)))
    (block $hdone (loop $hl
      (br_if $hdone (i32.ge_s (local.get $h) (local.get $H)))
      (local.set $kb (i32.const 0))
      (loop $kl
        (local.set $gp (i32.add (i32.add (local.get $g) (i32.mul (local.get $h) (local.get $os))) (i32.mul (local.get $kb) (local.get $M))))
        (v128.store (local.get $gp) (v128.const i32x4 0 0 0 0))
        (if (i32.eq (local.get $M) (i32.const 2)) (then (v128.store offset=16 (local.get $gp) (v128.const i32x4 0 0 0 0))))
        (local.set $b (i32.const 0))
        (block $bdone (loop $bl
          (br_if $bdone (i32.ge_s (local.get $b) (local.get $B)))
          (local.set $xp (i32.add (i32.add (local.get $x) (local.get $kb))
            (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (local.get $plane))))
          (local.set $dyp (i32.add (i32.add (local.get $dy) (i32.mul (local.get $kb) (local.get $M)))
            (i32.mul (i32.mul (local.get $b) (local.get $W)) (local.get $os))))
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $w (i32.const 0))
          (if (i32.eq (local.get $M) (i32.const 1))
            (then
              ;; two positions per step (two accumulators)
              (block $w1done (loop $w1
                (br_if $w1done (i32.gt_s (i32.add (local.get $w) (i32.const 2)) (local.get $W)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $dyp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $cs)))
                                                                    (v128.load (i32.add (local.get $dyp) (local.get $os))))))
                (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $cs) (i32.const 1))))
                (local.set $dyp (i32.add (local.get $dyp) (i32.shl (local.get $os) (i32.const 1))))
                (local.set $w (i32.add (local.get $w) (i32.const 2)))
                (br $w1)))
              (if (i32.lt_s (local.get $w) (local.get $W))
                (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $dyp)))))))
              (v128.store (local.get $gp) (f32x4.add (v128.load (local.get $gp)) (f32x4.add (local.get $a0) (local.get $a1)))))
            (else
              (block $w2done (loop $w2
                (br_if $w2done (i32.gt_s (i32.add (local.get $w) (i32.const 2)) (local.get $W)))
                (local.set $xv (v128.load (local.get $xp)))
                (local.set $xu (v128.load (i32.add (local.get $xp) (local.get $cs))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $dyp))
                  (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $dyp))
                  (i8x16.shuffle 8 9 10 11 8 9 10 11 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $dyp) (local.get $os)))
                  (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $xu) (local.get $xu)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (i32.add (local.get $dyp) (local.get $os)))
                  (i8x16.shuffle 8 9 10 11 8 9 10 11 12 13 14 15 12 13 14 15 (local.get $xu) (local.get $xu)))))
                (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $cs) (i32.const 1))))
                (local.set $dyp (i32.add (local.get $dyp) (i32.shl (local.get $os) (i32.const 1))))
                (local.set $w (i32.add (local.get $w) (i32.const 2)))
                (br $w2)))
              (if (i32.lt_s (local.get $w) (local.get $W))
                (then
                  (local.set $xv (v128.load (local.get $xp)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $dyp))
                    (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $dyp))
                    (i8x16.shuffle 8 9 10 11 8 9 10 11 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))))))
              (v128.store (local.get $gp) (f32x4.add (v128.load (local.get $gp)) (f32x4.add (local.get $a0) (local.get $a2))))
              (v128.store offset=16 (local.get $gp) (f32x4.add (v128.load offset=16 (local.get $gp)) (f32x4.add (local.get $a1) (local.get $a3))))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br $bl)))
        (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
        (br_if $kl (i32.lt_s (local.get $cs))))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (br $hl)))
  )
)
