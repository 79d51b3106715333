;; nnkit's wasm SIMD kernel for max pooling in PyTorch's NCHW layout (max-pool-rows.ts): windows
;; kH x kW at strides sH, sW (sW 1 or 2), dilation 1, every window inside the input. Four
;; neighbouring outputs of a row at a time: each tap's four candidates one 16-byte load (sW = 1)
;; or two and a shuffle (sW = 2), compared with PyTorch's rule (a candidate replaces the maximum
;; when greater, or when NaN: v > m | v != v), the winners' values and flat input offsets kept by
;; bit selects, taps in row-major order. The outputs whose loads would pass the end of the input
;; row take the same rule one at a time. Writes y and arg (the offsets, for the gradient).
;; Built to max-pool-rows-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm
;; from npm, pinned); a test rebuilds it and compares the bytes. Imports tfjs-backend-wasm's memory
;; (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; y[p, oh, ow] = max over the window of x[p] (first maximum by PyTorch's rule), arg its flat
  ;; offset in x (elements, over all planes); x P planes of H x W, y and arg P planes of Ho x Wo.
  (func (export "mp_windows") (param $x i32) (param $y i32) (param $arg i32) (param $P i32)
        (param $H i32) (param $W i32) (param $Ho i32) (param $Wo i32) (param $kH i32) (param $kW i32)
        (param $sH i32) (param $sW i32)
    (local $p i32) (local $oh i32) (local $ow i32) (local $i i32) (local $j i32)
    (local $row i32) (local $e i32) (local $q i32) (local $qa i32) (local $w4 i32)
    (local $m v128) (local $at v128) (local $v v128) (local $c v128) (local $idx v128) (local $step v128)
    (local $ms f32) (local $ats i32) (local $vs f32) (local $first i32)
    (local $yp i32) (local $ap i32)
    ;; blocks of 4 while ow + 4 <= w4: the block's loads end inside the row, they read up to
    ;; x[row, (ow + 3)*sW + kW - 1 + sW - 1], so ow + 3 <= (W - kW - sW + 1) / sW; and ow + 3 < Wo
    (local.set $w4 (i32.add (i32.div_s (i32.sub (i32.add (i32.sub (local.get $W) (local.get $kW)) (i32.const 1)) (local.get $sW)) (local.get $sW)) (i32.const 1)))
    (if (i32.gt_s (local.get $w4) (local.get $Wo)) (then (local.set $w4 (local.get $Wo))))
    (local.set $step (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $sW))))
    (local.set $yp (local.get $y))
    (local.set $ap (local.get $arg))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $P)))
      (local.set $oh (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_s (local.get $oh) (local.get $Ho)))
        ;; flat offset of the window row's first value: (p*H + oh*sH)*W
        (local.set $row (i32.mul (i32.add (i32.mul (local.get $p) (local.get $H)) (i32.mul (local.get $oh) (local.get $sH))) (local.get $W)))
        (local.set $ow (i32.const 0))
        (block $vd (loop $vl
          (br_if $vd (i32.gt_s (i32.add (local.get $ow) (i32.const 4)) (local.get $w4)))
          (local.set $first (i32.const 1))
          (local.set $i (i32.const 0))
          (block $id (loop $il
            (br_if $id (i32.ge_s (local.get $i) (local.get $kH)))
            (local.set $j (i32.const 0))
            (block $jd (loop $jl
              (br_if $jd (i32.ge_s (local.get $j) (local.get $kW)))
              ;; q: flat offset of the first output's candidate
              (local.set $q (i32.add (i32.add (local.get $row) (i32.mul (local.get $i) (local.get $W)))
                                     (i32.add (i32.mul (local.get $ow) (local.get $sW)) (local.get $j))))
              (local.set $qa (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 2))))
              (if (i32.eq (local.get $sW) (i32.const 1))
                (then (local.set $v (v128.load (local.get $qa))))
                (else (local.set $v (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                                      (v128.load (local.get $qa)) (v128.load offset=16 (local.get $qa))))))
              (local.set $idx (i32x4.add (i32x4.splat (local.get $q)) (local.get $step)))
              (if (local.get $first)
                (then
                  (local.set $m (local.get $v))
                  (local.set $at (local.get $idx))
                  (local.set $first (i32.const 0)))
                (else
                  (local.set $c (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v))))
                  (local.set $m (v128.bitselect (local.get $v) (local.get $m) (local.get $c)))
                  (local.set $at (v128.bitselect (local.get $idx) (local.get $at) (local.get $c)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jl)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $il)))
          (v128.store (local.get $yp) (local.get $m))
          (v128.store (local.get $ap) (local.get $at))
          (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 4)))
          (br $vl)))
        ;; the rest of the row one output at a time
        (block $sd (loop $sl
          (br_if $sd (i32.ge_s (local.get $ow) (local.get $Wo)))
          (local.set $first (i32.const 1))
          (local.set $i (i32.const 0))
          (block $id1 (loop $il1
            (br_if $id1 (i32.ge_s (local.get $i) (local.get $kH)))
            (local.set $j (i32.const 0))
            (block $jd1 (loop $jl1
              (br_if $jd1 (i32.ge_s (local.get $j) (local.get $kW)))
              (local.set $q (i32.add (i32.add (local.get $row) (i32.mul (local.get $i) (local.get $W)))
                                     (i32.add (i32.mul (local.get $ow) (local.get $sW)) (local.get $j))))
              (local.set $vs (f32.load (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 2)))))
              (if (i32.or (local.get $first) (i32.or (f32.gt (local.get $vs) (local.get $ms)) (f32.ne (local.get $vs) (local.get $vs))))
                (then
                  (local.set $ms (local.get $vs))
                  (local.set $ats (local.get $q))
                  (local.set $first (i32.const 0))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jl1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $il1)))
          (f32.store (local.get $yp) (local.get $ms))
          (i32.store (local.get $ap) (local.get $ats))
          (local.set $yp (i32.add (local.get $yp) (i32.const 4)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $sl)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $hl)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl)))
  )
)
