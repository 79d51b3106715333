;; nnkit's wasm SIMD kernels for a depthwise 1 x K convolution (multiplier 1) in PyTorch's NCHW
;; layout: x [B, C, H, T] as R = B*C*H rows of T values, filter [C, K] (row r uses channel
;; (r / H) mod C), y as R rows of To = T + pL + pR - (K-1)*d values, zero padding along T.
;; Vectorised along T (unaligned loads): 16 outputs per step where every tap falls inside the
;; row, then 4, then one at a time with the taps outside skipped; or, given a scratch buffer,
;; each row zero-padded first and every output 16 at a time. Every output sums its taps in
;; order k = 0 .. K-1 (a product, then an add, in float32), whichever block it is in. The forward
;; pass, the input gradient (the same loop with the filter reversed) and the filter gradient.
;; Built to depthwise-rows-nchw-binary.ts by `pnpm --filter @nnkit/tensor build:wasm` (wabt's
;; wat2wasm from npm, pinned); a test rebuilds it and compares the bytes. Imports
;; tfjs-backend-wasm's memory (pointers are byte offsets into that heap).
(module
  (import "env" "memory" (memory 1))

  ;; n bytes (a multiple of 4) from s to d (no overlap), 16 at a time, then 4 at a time
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

  ;; n bytes (a multiple of 4) from d set to 0
  (func $fill0 (param $d i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $d) (local.get $n)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $e)))
      (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $d) (local.get $e)))
      (i32.store (local.get $d) (i32.const 0))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $sl))))

  ;; y[r, t] = sum_k f(k) * x[r, t - pL + k*d], f(k) = fc[k] (or fc[K-1-k] when $rev), taps
  ;; outside [0, T) skipped; x R rows of T, y R rows of To, f [C, K].
  ;; With a scratch buffer ($z not 0, Lz + To16 floats: To16 = To rounded up to 16, Lz = To16 +
  ;; (K-1)*d) each row is first copied zero-padded, z[u] = x[r, u - pL] (0 outside x), and every
  ;; output computed 16 at a time from it (the zero taps add +-0: the same sums) into the scratch,
  ;; then the To outputs copied to y: no output takes the one-at-a-time loop.
  (func (export "dwn_rows") (param $x i32) (param $f i32) (param $y i32) (param $R i32) (param $C i32)
        (param $H i32) (param $T i32) (param $To i32) (param $K i32) (param $d i32) (param $pL i32) (param $rev i32)
        (param $z i32)
    (local $r i32) (local $h i32) (local $c i32) (local $xr i32) (local $yr i32) (local $fc i32)
    (local $t i32) (local $lo i32) (local $hi i32) (local $k i32) (local $fp i32) (local $fs i32)
    (local $xp i32) (local $ds i32) (local $i i32) (local $wv v128) (local $s f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $pl i32) (local $to i32) (local $lz i32) (local $zo i32) (local $u0 i32) (local $u1 i32)
    (local.set $ds (i32.shl (local.get $d) (i32.const 2)))
    (local.set $pl (local.get $pL))
    (local.set $to (local.get $To))
    ;; outputs t with every tap inside x: lo <= t and t + n - 1 <= hi
    (local.set $lo (local.get $pL))
    (local.set $hi (i32.sub (i32.add (i32.sub (local.get $T) (i32.const 1)) (local.get $pL))
                            (i32.mul (i32.sub (local.get $K) (i32.const 1)) (local.get $d))))
    (if (i32.ge_s (local.get $hi) (local.get $To)) (then (local.set $hi (i32.sub (local.get $To) (i32.const 1)))))
    (if (local.get $z)
      (then
        ;; padded rows: every output in a 16-block, read from z at offset 0
        (local.set $to (i32.and (i32.add (local.get $To) (i32.const 15)) (i32.const -16)))
        (local.set $lz (i32.add (local.get $to) (i32.mul (i32.sub (local.get $K) (i32.const 1)) (local.get $d))))
        (local.set $zo (i32.add (local.get $z) (i32.shl (local.get $lz) (i32.const 2))))
        (local.set $pl (i32.const 0))
        (local.set $lo (i32.const 0))
        (local.set $hi (i32.sub (local.get $to) (i32.const 1)))
        ;; the part of z that holds x: u in [u0, u1)
        (local.set $u0 (select (local.get $pL) (i32.const 0) (i32.gt_s (local.get $pL) (i32.const 0))))
        (local.set $u1 (i32.add (local.get $pL) (local.get $T)))
        (if (i32.gt_s (local.get $u1) (local.get $lz)) (then (local.set $u1 (local.get $lz))))
        (if (i32.lt_s (local.get $u1) (local.get $u0)) (then (local.set $u1 (local.get $u0))))))
    ;; filter step in bytes (4, or -4 reading it backwards)
    (local.set $fs (select (i32.const -4) (i32.const 4) (local.get $rev)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R)))
      (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $T)) (i32.const 2))))
      (local.set $yr (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $To)) (i32.const 2))))
      (if (local.get $z)
        (then
          ;; z = zeros, then x's row at u0 .. u1 (source index u - pL); outputs go to the scratch
          (call $fill0 (local.get $z) (i32.shl (local.get $u0) (i32.const 2)))
          (call $fill0 (i32.add (local.get $z) (i32.shl (local.get $u1) (i32.const 2))) (i32.shl (i32.sub (local.get $lz) (local.get $u1)) (i32.const 2)))
          (call $copy (i32.add (local.get $xr) (i32.shl (i32.sub (local.get $u0) (local.get $pL)) (i32.const 2)))
                      (i32.add (local.get $z) (i32.shl (local.get $u0) (i32.const 2)))
                      (i32.shl (i32.sub (local.get $u1) (local.get $u0)) (i32.const 2)))
          (local.set $xr (local.get $z))
          (local.set $yr (local.get $zo))))
      (local.set $fc (i32.add (local.get $f) (i32.shl (i32.mul (local.get $c) (local.get $K)) (i32.const 2))))
      (if (local.get $rev) (then (local.set $fc (i32.add (local.get $fc) (i32.shl (i32.sub (local.get $K) (i32.const 1)) (i32.const 2))))))
      (local.set $t (i32.const 0))
      (block $tdone (loop $tloop
        (br_if $tdone (i32.ge_s (local.get $t) (local.get $to)))
        (if (i32.and (i32.ge_s (local.get $t) (local.get $lo)) (i32.le_s (i32.add (local.get $t) (i32.const 15)) (local.get $hi)))
          (then
            ;; 16 outputs, every tap inside x
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $xp (i32.add (local.get $xr) (i32.shl (i32.sub (local.get $t) (local.get $pl)) (i32.const 2))))
            (local.set $fp (local.get $fc))
            (local.set $k (local.get $K))
            (loop $k16
              (local.set $wv (v128.load32_splat (local.get $fp)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $wv) (v128.load (local.get $xp)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $wv) (v128.load offset=16 (local.get $xp)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $wv) (v128.load offset=32 (local.get $xp)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $wv) (v128.load offset=48 (local.get $xp)))))
              (local.set $xp (i32.add (local.get $xp) (local.get $ds)))
              (local.set $fp (i32.add (local.get $fp) (local.get $fs)))
              (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $k16))
            (v128.store (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $a0))
            (v128.store offset=16 (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $a1))
            (v128.store offset=32 (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $a2))
            (v128.store offset=48 (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $a3))
            (local.set $t (i32.add (local.get $t) (i32.const 16))))
          (else
            (if (i32.and (i32.ge_s (local.get $t) (local.get $lo)) (i32.le_s (i32.add (local.get $t) (i32.const 3)) (local.get $hi)))
              (then
                ;; 4 outputs, every tap inside x
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $xp (i32.add (local.get $xr) (i32.shl (i32.sub (local.get $t) (local.get $pl)) (i32.const 2))))
                (local.set $fp (local.get $fc))
                (local.set $k (local.get $K))
                (loop $k4
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $fp)) (v128.load (local.get $xp)))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $ds)))
                  (local.set $fp (i32.add (local.get $fp) (local.get $fs)))
                  (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
                  (br_if $k4))
                (v128.store (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $a0))
                (local.set $t (i32.add (local.get $t) (i32.const 4))))
              (else
                ;; one output; taps outside x skipped
                (local.set $s (f32.const 0))
                (local.set $fp (local.get $fc))
                (local.set $k (i32.const 0))
                (block $k1done (loop $k1
                  (br_if $k1done (i32.ge_s (local.get $k) (local.get $K)))
                  (local.set $i (i32.add (i32.sub (local.get $t) (local.get $pl)) (i32.mul (local.get $k) (local.get $d))))
                  (if (i32.and (i32.ge_s (local.get $i) (i32.const 0)) (i32.lt_s (local.get $i) (local.get $T)))
                    (then (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $fp))
                      (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))))))))
                  (local.set $fp (i32.add (local.get $fp) (local.get $fs)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $k1)))
                (f32.store (i32.add (local.get $yr) (i32.shl (local.get $t) (i32.const 2))) (local.get $s))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))))))
        (br $tloop)))
      (if (local.get $z)
        (then (call $copy (local.get $zo) (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $To)) (i32.const 2)))
                          (i32.shl (local.get $To) (i32.const 2)))))
      ;; next row: its channel advances every H rows
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (if (i32.eq (local.get $h) (local.get $H))
        (then
          (local.set $h (i32.const 0))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (if (i32.eq (local.get $c) (local.get $C)) (then (local.set $c (i32.const 0))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop)))
  )

  ;; g[c, k] = sum over the rows r of channel c, sum_t dy[r, t] * x[r, t - pL + k*d] (the terms
  ;; with that index inside x); x R rows of T, dy R rows of To, g [C, K] overwritten.
  (func (export "dwn_filter_grad") (param $x i32) (param $dy i32) (param $g i32) (param $R i32) (param $C i32)
        (param $H i32) (param $T i32) (param $To i32) (param $K i32) (param $d i32) (param $pL i32)
    (local $r i32) (local $h i32) (local $c i32) (local $xr i32) (local $dr i32) (local $k i32)
    (local $lo i32) (local $hi i32) (local $t i32) (local $xp i32) (local $gp i32) (local $n i32)
    (local $a0 v128) (local $a1 v128) (local $s f32)
    (local.set $n (i32.mul (local.get $C) (local.get $K)))
    (block $zd (loop $zl
      (br_if $zd (i32.ge_s (local.get $r) (local.get $n)))
      (f32.store (i32.add (local.get $g) (i32.shl (local.get $r) (i32.const 2))) (f32.const 0))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $zl)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R)))
      (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $T)) (i32.const 2))))
      (local.set $dr (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $r) (local.get $To)) (i32.const 2))))
      (local.set $gp (i32.add (local.get $g) (i32.shl (i32.mul (local.get $c) (local.get $K)) (i32.const 2))))
      (local.set $k (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
        ;; t in [lo, hi): x index t - pL + k*d inside [0, T), t inside [0, To)
        (local.set $lo (i32.sub (local.get $pL) (i32.mul (local.get $k) (local.get $d))))
        (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
        (local.set $hi (i32.add (i32.sub (local.get $T) (i32.mul (local.get $k) (local.get $d))) (local.get $pL)))
        (if (i32.gt_s (local.get $hi) (local.get $To)) (then (local.set $hi (local.get $To))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $t (local.get $lo))
        ;; xp = the x value that pairs with dy[t]
        (local.set $xp (i32.add (local.get $xr) (i32.shl (i32.add (i32.sub (local.get $t) (local.get $pL)) (i32.mul (local.get $k) (local.get $d))) (i32.const 2))))
        (block $t8done (loop $t8
          (br_if $t8done (i32.gt_s (i32.add (local.get $t) (i32.const 8)) (local.get $hi)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (i32.add (local.get $dr) (i32.shl (local.get $t) (i32.const 2)))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xp)) (v128.load offset=16 (i32.add (local.get $dr) (i32.shl (local.get $t) (i32.const 2)))))))
          (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
          (local.set $t (i32.add (local.get $t) (i32.const 8)))
          (br $t8)))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
        (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                               (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (block $t1done (loop $t1
          (br_if $t1done (i32.ge_s (local.get $t) (local.get $hi)))
          (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xp)) (f32.load (i32.add (local.get $dr) (i32.shl (local.get $t) (i32.const 2)))))))
          (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $t1)))
        (f32.store (local.get $gp) (f32.add (f32.load (local.get $gp)) (local.get $s)))
        (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kloop)))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (if (i32.eq (local.get $h) (local.get $H))
        (then
          (local.set $h (i32.const 0))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (if (i32.eq (local.get $c) (local.get $C)) (then (local.set $c (i32.const 0))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop)))
  )
)
