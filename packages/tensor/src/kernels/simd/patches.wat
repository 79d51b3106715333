;; nnkit's wasm SIMD kernels for the windows of a plain NHWC convolution (patches.ts), so that
;; a convolution and its gradients are one GEMM each. im2col_t writes every window as one column
;; of a matrix [kH*kW*C, B*Ho*Wo] (the filter gradient is colsT . dy; with one channel a row of it
;; is runs of Wo neighbouring values of x); im2col_rows writes it as one row ([B*Ho*Wo, kH*kW*C],
;; the forward pass is cols . filter); col2im adds the rows of dy . W^T ([B*Ho*Wo, kH*kW*C], taps
;; in HWC order) back into an input-shaped gradient. All take any stride, dilation and padding. With a W dilation of 1 the taps of one kernel row are one contiguous run of x, added
;; 4 values at a time.
;; Built to patches-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's wat2wasm from
;; npm, pinned); a test rebuilds it and compares the bytes. Imports tfjs-backend-wasm's memory
;; (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; The taps j0 <= j < j1 of a kernel row whose first tap reads column wb (may be negative)
  ;; that fall inside 0 <= wb + j*dw < W, packed as j0 | j1 << 16 (kW < 65536).
  (func $tap_range (param $wb i32) (param $W i32) (param $kW i32) (param $dw i32) (result i32)
    (local $j0 i32) (local $j1 i32)
    ;; dw = 1 (the common case): no division
    (if (i32.eq (local.get $dw) (i32.const 1))
      (then
        (local.set $j0 (select (i32.sub (i32.const 0) (local.get $wb)) (i32.const 0) (i32.lt_s (local.get $wb) (i32.const 0))))
        (local.set $j1 (select (i32.sub (local.get $W) (local.get $wb)) (i32.const 0) (i32.gt_s (local.get $W) (local.get $wb))))
        (if (i32.gt_s (local.get $j1) (local.get $kW)) (then (local.set $j1 (local.get $kW))))
        (if (i32.gt_s (local.get $j0) (local.get $j1)) (then (local.set $j0 (local.get $j1))))
        (return (i32.or (local.get $j0) (i32.shl (local.get $j1) (i32.const 16))))))
    (if (i32.lt_s (local.get $wb) (i32.const 0))
      (then (local.set $j0 (i32.div_s (i32.add (i32.sub (i32.const 0) (local.get $wb)) (i32.sub (local.get $dw) (i32.const 1)))
                                      (local.get $dw)))))
    (if (i32.gt_s (local.get $W) (local.get $wb))
      (then (local.set $j1 (i32.add (i32.div_s (i32.sub (i32.sub (local.get $W) (local.get $wb)) (i32.const 1)) (local.get $dw))
                                    (i32.const 1)))))
    (if (i32.gt_s (local.get $j1) (local.get $kW)) (then (local.set $j1 (local.get $kW))))
    (if (i32.gt_s (local.get $j0) (local.get $j1)) (then (local.set $j0 (local.get $j1))))
    (i32.or (local.get $j0) (i32.shl (local.get $j1) (i32.const 16))))

  ;; zero the bytes [p, e) (e - p a multiple of 4)
  (func $zero (param $p i32) (param $e i32)
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $e)))
      (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $p) (local.get $e)))
      (i32.store (local.get $p) (i32.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $sl))))

;; every second 4-byte value from s to d, n bytes written (a multiple of 4): 4 values per two
  ;; 16-byte loads and one shuffle while the loads stay within the values read (the last group
  ;; would read one value past the last), then one at a time. A stride-2 row of windows.
  (func $copy2 (param $s i32) (param $d i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $d) (local.get $n)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $d) (i32.const 20)) (local.get $e)))
      (v128.store (local.get $d)
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (v128.load (local.get $s)) (v128.load offset=16 (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.const 32)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $d) (local.get $e)))
      (i32.store (local.get $d) (i32.load (local.get $s)))
      (local.set $s (i32.add (local.get $s) (i32.const 8)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $sl))))

;; n bytes (a multiple of 4) from s to d, 16 at a time, then 4 at a time
  (func $copy (param $s i32) (param $d i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $d) (local.get $n)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $e)))
      (v128.store (local.get $d) (v128.load (local.get $s)))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $d) (local.get $e)))
      (i32.store (local.get $d) (i32.load (local.get $s)))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $sl))))

  ;; the n bytes (a multiple of 4) of floats at s added to those at d, 4 floats at a time, then 1
  (func $accumulate (param $s i32) (param $d i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $d) (local.get $n)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $e)))
      (v128.store (local.get $d) (f32x4.add (v128.load (local.get $d)) (v128.load (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $d) (local.get $e)))
      (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $sl))))

  ;; One kernel row of a window at the border of x along W (some taps outside): g's values at gp
  ;; for its taps inside x are added into x's row xr (the window's first tap at column wb).
  (func $edge (param $xr i32) (param $gp i32) (param $wb i32) (param $W i32) (param $kW i32)
    (param $dw i32) (param $cb i32)
    (local $r i32) (local $j0 i32) (local $j1 i32) (local $j i32) (local $run i32) (local $xp i32)
    (local.set $r (call $tap_range (local.get $wb) (local.get $W) (local.get $kW) (local.get $dw)))
    (local.set $j0 (i32.and (local.get $r) (i32.const 65535)))
    (local.set $j1 (i32.shr_u (local.get $r) (i32.const 16)))
    ;; taps per run: the whole range when they are neighbours in x, else one
    (local.set $run (select (i32.sub (local.get $j1) (local.get $j0)) (i32.const 1) (i32.eq (local.get $dw) (i32.const 1))))
    (local.set $j (local.get $j0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_s (local.get $j) (local.get $j1)))
      (local.set $xp (i32.add (local.get $xr) (i32.mul (i32.add (local.get $wb) (i32.mul (local.get $j) (local.get $dw))) (local.get $cb))))
      (call $accumulate (i32.add (local.get $gp) (i32.mul (local.get $j) (local.get $cb))) (local.get $xp) (i32.mul (local.get $run) (local.get $cb)))
      (local.set $j (i32.add (local.get $j) (local.get $run)))
      (br $jl))))

  ;; Walks every window: for output row (b, ho) and kernel row i inside x, the taps of each window
  ;; m = (b, ho, wo), row m of g ([B*Ho*Wo, kH*kW*C]), are added into x (col2im). Windows whose
  ;; taps are all inside x along W (columns woLo <= wo < woHi) take a tight loop: one run of
  ;; kW*C values when dw = 1, else kW runs of C.
  (func $walk
    (param $x i32) (param $g i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $Ho i32) (param $Wo i32) (param $kH i32) (param $kW i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $ho i32) (local $wo i32) (local $i i32) (local $h i32) (local $h0 i32)
    (local $cb i32) (local $tb i32) (local $rb i32) (local $xs i32) (local $xstep i32)
    (local $runs i32) (local $rl i32) (local $woLo i32) (local $woHi i32)
    (local $row i32) (local $xr i32) (local $gr i32) (local $xp i32) (local $gp i32)
    (local $xq i32) (local $gq i32) (local $r i32) (local $e i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))          ;; bytes per pixel
    (local.set $tb (i32.mul (local.get $kW) (local.get $cb)))       ;; bytes per kernel row in g
    (local.set $rb (i32.mul (local.get $kH) (local.get $tb)))       ;; bytes per row of g
    (local.set $xs (i32.mul (local.get $dw) (local.get $cb)))       ;; bytes between taps in x
    (local.set $xstep (i32.mul (local.get $sw) (local.get $cb)))    ;; bytes between windows in x
    ;; a kernel row inside x: one run of kW*C values when dw = 1, else kW runs of C
    (local.set $runs (select (i32.const 1) (local.get $kW) (i32.eq (local.get $dw) (i32.const 1))))
    (local.set $rl (select (local.get $tb) (local.get $cb) (i32.eq (local.get $dw) (i32.const 1))))
    ;; woLo = ceil(pl / sw); woHi = floor((W - 1 - (kW-1)*dw + pl) / sw) + 1; both within [0, Wo]
    (local.set $woLo (i32.div_s (i32.add (local.get $pl) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))
    (if (i32.gt_s (local.get $woLo) (local.get $Wo)) (then (local.set $woLo (local.get $Wo))))
    (local.set $e (i32.add (i32.sub (i32.sub (local.get $W) (i32.const 1)) (i32.mul (i32.sub (local.get $kW) (i32.const 1)) (local.get $dw))) (local.get $pl)))
    (local.set $woHi (select (i32.add (i32.div_s (local.get $e) (local.get $sw)) (i32.const 1)) (i32.const 0) (i32.ge_s (local.get $e) (i32.const 0))))
    (if (i32.gt_s (local.get $woHi) (local.get $Wo)) (then (local.set $woHi (local.get $Wo))))
    (if (i32.lt_s (local.get $woHi) (local.get $woLo)) (then (local.set $woHi (local.get $woLo))))
    (local.set $row (local.get $g))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $ho (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_s (local.get $ho) (local.get $Ho)))
        (local.set $h0 (i32.sub (i32.mul (local.get $ho) (local.get $sh)) (local.get $pt)))
        (local.set $i (i32.const 0))
        (block $id (loop $il
          (br_if $id (i32.ge_s (local.get $i) (local.get $kH)))
          (local.set $h (i32.add (local.get $h0) (i32.mul (local.get $i) (local.get $dh))))
          (if (i32.and (i32.ge_s (local.get $h) (i32.const 0)) (i32.lt_s (local.get $h) (local.get $H)))
            (then
              (local.set $xr (i32.add (local.get $x) (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (local.get $W)) (local.get $cb))))
              (local.set $gr (i32.add (local.get $row) (i32.mul (local.get $i) (local.get $tb))))
              ;; windows at the borders of x along W
              (local.set $wo (i32.const 0))
              (block $ld (loop $ll
                (br_if $ld (i32.ge_s (local.get $wo) (local.get $Wo)))
                ;; skip the windows inside (none when woLo = woHi)
                (if (i32.and (i32.eq (local.get $wo) (local.get $woLo)) (i32.lt_s (local.get $woLo) (local.get $woHi)))
                  (then (local.set $wo (local.get $woHi)) (br $ll)))
                (call $edge (local.get $xr) (i32.add (local.get $gr) (i32.mul (local.get $wo) (local.get $rb)))
                  (i32.sub (i32.mul (local.get $wo) (local.get $sw)) (local.get $pl))
                  (local.get $W) (local.get $kW) (local.get $dw) (local.get $cb))
                (local.set $wo (i32.add (local.get $wo) (i32.const 1)))
                (br $ll)))
              ;; the windows inside: runs of rl bytes, xs apart in x
              (local.set $xp (i32.add (local.get $xr) (i32.mul (i32.sub (i32.mul (local.get $woLo) (local.get $sw)) (local.get $pl)) (local.get $cb))))
              (local.set $gp (i32.add (local.get $gr) (i32.mul (local.get $woLo) (local.get $rb))))
              (local.set $wo (local.get $woLo))
              (block $wd (loop $wl
                (br_if $wd (i32.ge_s (local.get $wo) (local.get $woHi)))
                (local.set $xq (local.get $xp))
                (local.set $gq (local.get $gp))
                (local.set $r (i32.const 0))
                (block $rd (loop $rl2
                  (br_if $rd (i32.ge_s (local.get $r) (local.get $runs)))
                  (local.set $e (i32.add (local.get $gq) (local.get $rl)))
                  (block $avd (loop $avl
                    (br_if $avd (i32.gt_u (i32.add (local.get $gq) (i32.const 16)) (local.get $e)))
                    (v128.store (local.get $xq) (f32x4.add (v128.load (local.get $xq)) (v128.load (local.get $gq))))
                    (local.set $xq (i32.add (local.get $xq) (i32.const 16)))
                    (local.set $gq (i32.add (local.get $gq) (i32.const 16)))
                    (br $avl)))
                  (block $asd (loop $asl
                    (br_if $asd (i32.ge_u (local.get $gq) (local.get $e)))
                    (f32.store (local.get $xq) (f32.add (f32.load (local.get $xq)) (f32.load (local.get $gq))))
                    (local.set $xq (i32.add (local.get $xq) (i32.const 4)))
                    (local.set $gq (i32.add (local.get $gq) (i32.const 4)))
                    (br $asl)))
                  ;; the next run: xs - rl further on in x (0 when dw = 1: one run)
                  (local.set $xq (i32.add (local.get $xq) (i32.sub (local.get $xs) (local.get $rl))))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $rl2)))
                (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                (local.set $gp (i32.add (local.get $gp) (local.get $rb)))
                (local.set $wo (i32.add (local.get $wo) (i32.const 1)))
                (br $wl)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $il)))
        (local.set $row (i32.add (local.get $row) (i32.mul (local.get $Wo) (local.get $rb))))
        (local.set $ho (i32.add (local.get $ho) (i32.const 1)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; colsT[(i*kW + j)*C + c, m] = x[b, ho*sh - pt + i*dh, wo*sw - pl + j*dw, c] (0 outside x), the
  ;; transposed window matrix [kH*kW*C, B*Ho*Wo]: with one channel and a W stride of 1 each row
  ;; of it is Wo neighbouring values of x per (b, ho), moved 4 at a time; with one channel and a
  ;; W stride of 2 (an image stem's planes) every second value, 4 per shuffle; else one by one.
  (func (export "im2col_t")
    (param $x i32) (param $t i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $Ho i32) (param $Wo i32) (param $kH i32) (param $kW i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $pt i32) (param $pl i32)
    (local $i i32) (local $j i32) (local $c i32) (local $b i32) (local $ho i32) (local $h i32)
    (local $w0 i32) (local $lo i32) (local $hi i32) (local $xr i32) (local $xp i32) (local $tp i32)
    (local $e i32) (local $wo i32) (local $cb i32) (local $xstep i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $xstep (i32.mul (local.get $sw) (local.get $cb)))
    (local.set $tp (local.get $t))
    (block $id (loop $il
      (br_if $id (i32.ge_s (local.get $i) (local.get $kH)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (local.get $kW)))
        ;; the columns wo in [lo, hi) read inside x: 0 <= wo*sw + w0 < W
        (local.set $w0 (i32.sub (i32.mul (local.get $j) (local.get $dw)) (local.get $pl)))
        (local.set $lo (select (i32.div_s (i32.add (i32.sub (i32.const 0) (local.get $w0)) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw))
                               (i32.const 0) (i32.lt_s (local.get $w0) (i32.const 0))))
        (local.set $hi (select (i32.add (i32.div_s (i32.sub (i32.sub (local.get $W) (local.get $w0)) (i32.const 1)) (local.get $sw)) (i32.const 1))
                               (i32.const 0) (i32.gt_s (local.get $W) (local.get $w0))))
        (if (i32.gt_s (local.get $hi) (local.get $Wo)) (then (local.set $hi (local.get $Wo))))
        (if (i32.gt_s (local.get $lo) (local.get $hi)) (then (local.set $lo (local.get $hi))))
        (local.set $c (i32.const 0))
        (block $cd (loop $cl
          (br_if $cd (i32.ge_s (local.get $c) (local.get $C)))
          (local.set $b (i32.const 0))
          (block $bd (loop $bl
            (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
            (local.set $ho (i32.const 0))
            (block $hd (loop $hl
              (br_if $hd (i32.ge_s (local.get $ho) (local.get $Ho)))
              (local.set $h (i32.add (i32.sub (i32.mul (local.get $ho) (local.get $sh)) (local.get $pt)) (i32.mul (local.get $i) (local.get $dh))))
              (if (i32.and (i32.ge_s (local.get $h) (i32.const 0)) (i32.lt_s (local.get $h) (local.get $H)))
                (then
                  ;; zeros, x's values from column lo*sw + w0, zeros
                  (call $zero (local.get $tp) (i32.add (local.get $tp) (i32.shl (local.get $lo) (i32.const 2))))
                  (local.set $xp (i32.add (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2)))
                    (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (local.get $W))
                                      (i32.add (i32.mul (local.get $lo) (local.get $sw)) (local.get $w0)))
                             (local.get $cb))))
                  (if (i32.eq (local.get $xstep) (i32.const 4))
                    (then (call $copy (local.get $xp) (i32.add (local.get $tp) (i32.shl (local.get $lo) (i32.const 2)))
                                      (i32.shl (i32.sub (local.get $hi) (local.get $lo)) (i32.const 2))))
                    (else (if (i32.eq (local.get $xstep) (i32.const 8))
                    (then (call $copy2 (local.get $xp) (i32.add (local.get $tp) (i32.shl (local.get $lo) (i32.const 2)))
                                       (i32.shl (i32.sub (local.get $hi) (local.get $lo)) (i32.const 2))))
                    (else
                      (local.set $e (i32.add (local.get $tp) (i32.shl (local.get $hi) (i32.const 2))))
                      (local.set $wo (i32.add (local.get $tp) (i32.shl (local.get $lo) (i32.const 2))))
                      (block $gd (loop $gl
                        (br_if $gd (i32.ge_u (local.get $wo) (local.get $e)))
                        (i32.store (local.get $wo) (i32.load (local.get $xp)))
                        (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                        (local.set $wo (i32.add (local.get $wo) (i32.const 4)))
                        (br $gl)))))))
                  (call $zero (i32.add (local.get $tp) (i32.shl (local.get $hi) (i32.const 2))) (i32.add (local.get $tp) (i32.shl (local.get $Wo) (i32.const 2)))))
                (else (call $zero (local.get $tp) (i32.add (local.get $tp) (i32.shl (local.get $Wo) (i32.const 2))))))
              (local.set $tp (i32.add (local.get $tp) (i32.shl (local.get $Wo) (i32.const 2))))
              (local.set $ho (i32.add (local.get $ho) (i32.const 1)))
              (br $hl)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bl)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cl)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il))))

  ;; cols[m, (i*kW + j)*C + c] = x[b, ho*sh - pt + i*dh, wo*sw - pl + j*dw, c] (0 outside x): the
  ;; window matrix [B*Ho*Wo, kH*kW*C], one row per window m = (b, ho, wo), taps in HWC order (a
  ;; convolution's forward pass as one product with the HWIO filter). A kernel row inside x is one
  ;; run of kW*C values when dw = 1, else kW runs of C; zeros for the taps outside.
  (func (export "im2col_rows")
    (param $x i32) (param $t i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $Ho i32) (param $Wo i32) (param $kH i32) (param $kW i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $ho i32) (local $wo i32) (local $i i32) (local $j i32) (local $h i32)
    (local $wb i32) (local $r i32) (local $j0 i32) (local $j1 i32) (local $cb i32) (local $tb i32)
    (local $tp i32) (local $xr i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))          ;; bytes per pixel
    (local.set $tb (i32.mul (local.get $kW) (local.get $cb)))       ;; bytes per kernel row in cols
    (local.set $tp (local.get $t))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $ho (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_s (local.get $ho) (local.get $Ho)))
        (local.set $wo (i32.const 0))
        (block $wd (loop $wl
          (br_if $wd (i32.ge_s (local.get $wo) (local.get $Wo)))
          ;; the taps j0 <= j < j1 of this window inside x along W
          (local.set $wb (i32.sub (i32.mul (local.get $wo) (local.get $sw)) (local.get $pl)))
          (local.set $r (call $tap_range (local.get $wb) (local.get $W) (local.get $kW) (local.get $dw)))
          (local.set $j0 (i32.and (local.get $r) (i32.const 65535)))
          (local.set $j1 (i32.shr_u (local.get $r) (i32.const 16)))
          (local.set $i (i32.const 0))
          (block $id (loop $il
            (br_if $id (i32.ge_s (local.get $i) (local.get $kH)))
            (local.set $h (i32.add (i32.sub (i32.mul (local.get $ho) (local.get $sh)) (local.get $pt)) (i32.mul (local.get $i) (local.get $dh))))
            (if (i32.and (i32.ge_s (local.get $h) (i32.const 0)) (i32.lt_s (local.get $h) (local.get $H)))
              (then
                (call $zero (local.get $tp) (i32.add (local.get $tp) (i32.mul (local.get $j0) (local.get $cb))))
                (local.set $xr (i32.add (local.get $x) (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (local.get $W)) (local.get $cb))))
                (if (i32.eq (local.get $dw) (i32.const 1))
                  (then (call $copy (i32.add (local.get $xr) (i32.mul (i32.add (local.get $wb) (local.get $j0)) (local.get $cb)))
                                    (i32.add (local.get $tp) (i32.mul (local.get $j0) (local.get $cb)))
                                    (i32.mul (i32.sub (local.get $j1) (local.get $j0)) (local.get $cb))))
                  (else
                    (local.set $j (local.get $j0))
                    (block $jd (loop $jl
                      (br_if $jd (i32.ge_s (local.get $j) (local.get $j1)))
                      (call $copy (i32.add (local.get $xr) (i32.mul (i32.add (local.get $wb) (i32.mul (local.get $j) (local.get $dw))) (local.get $cb)))
                                  (i32.add (local.get $tp) (i32.mul (local.get $j) (local.get $cb)))
                                  (local.get $cb))
                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                      (br $jl)))))
                (call $zero (i32.add (local.get $tp) (i32.mul (local.get $j1) (local.get $cb))) (i32.add (local.get $tp) (local.get $tb))))
              (else (call $zero (local.get $tp) (i32.add (local.get $tp) (local.get $tb)))))
            (local.set $tp (i32.add (local.get $tp) (local.get $tb)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $il)))
          (local.set $wo (i32.add (local.get $wo) (i32.const 1)))
          (br $wl)))
        (local.set $ho (i32.add (local.get $ho) (i32.const 1)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; dx = 0, then dx[b, h, w, c] += cols[m, (i*kW + j)*C + c] for every window m = (b, ho, wo) and
  ;; tap (i, j) that reads (h, w) = (ho*sh - pt + i*dh, wo*sw - pl + j*dw), in one fixed order (so
  ;; the sum is the same on every run); cols [B*Ho*Wo, kH*kW*C] float32.
  (func (export "col2im")
    (param $cols i32) (param $dx i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $Ho i32) (param $Wo i32) (param $kH i32) (param $kW i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $pt i32) (param $pl i32)
    (call $zero (local.get $dx)
      (i32.add (local.get $dx) (i32.shl (i32.mul (i32.mul (local.get $B) (local.get $H)) (i32.mul (local.get $W) (local.get $C))) (i32.const 2))))
    (call $walk (local.get $dx) (local.get $cols) (local.get $B) (local.get $H) (local.get $W) (local.get $C)
                (local.get $Ho) (local.get $Wo) (local.get $kH) (local.get $kW) (local.get $sh) (local.get $sw)
                (local.get $dh) (local.get $dw) (local.get $pt) (local.get $pl))))
