"""Parity fixtures for @nnkit/data transforms (scipy.signal, braindecode, torchvision).

Writes packages/data/src/transforms/__fixtures__/{bandpass,resample,ems,image}.safetensors.
Every input is rounded to float32 BEFORE the reference is computed (in float64), so the
TypeScript side, which reads float32 inputs, checks exactly the same computation.
"""
import numpy as np
import scipy.signal as ss
import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF

import common

REL = "packages/data/src/transforms"
rng = np.random.default_rng(0)


def sig(c, t, fs):
    """float32-representable test signal: noise + slow drift + two tones, float64 values."""
    tt = np.arange(t) / fs
    x = rng.standard_normal((c, t)) * 2.0
    x += 5.0 * np.sin(2 * np.pi * 0.3 * tt) + 3.0 * np.sin(2 * np.pi * 10.0 * tt) + 1.0
    return x.astype(np.float32).astype(np.float64)


def t32(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


# ---------------------------------------------------------------- band-pass (sosfiltfilt)
cases, tensors = [], {}
bp = [
    # name, fs, low, high, order, C, T, extra sosfiltfilt kwargs
    ("bp4_40_o4", 250.0, 4.0, 40.0, 4, 2, 1000, {}),
    ("bp8_30_o2_odd", 160.0, 8.0, 30.0, 2, 1, 321, {}),
    ("bp05_45_o5", 100.0, 0.5, 45.0, 5, 2, 777, {}),
    ("bp_narrow_o3", 250.0, 9.0, 11.0, 3, 1, 600, {}),
    ("lp30_o3", 250.0, None, 30.0, 3, 1, 500, {}),
    ("hp1_o5", 250.0, 1.0, None, 5, 1, 500, {}),
    ("bp_even_pad", 200.0, 2.0, 20.0, 4, 1, 400, {"padtype": "even"}),
    ("bp_const_padlen", 200.0, 2.0, 20.0, 4, 1, 400, {"padtype": "constant", "padlen": 50}),
    ("bp_nopad", 200.0, 2.0, 20.0, 2, 1, 300, {"padtype": None}),
    ("bp_padlen0", 200.0, 2.0, 20.0, 2, 1, 300, {"padlen": 0}),
]
for name, fs, lo, hi, order, c, t, kw in bp:
    x = sig(c, t, fs)
    if lo is not None and hi is not None:
        sos = ss.butter(order, [lo, hi], "bandpass", fs=fs, output="sos")
    elif hi is not None:
        sos = ss.butter(order, hi, "lowpass", fs=fs, output="sos")
    else:
        sos = ss.butter(order, lo, "highpass", fs=fs, output="sos")
    y = ss.sosfiltfilt(sos, x, axis=-1, **kw)
    tensors["in." + name] = t32(x)
    tensors["out." + name] = t32(y)
    tensors["sos." + name] = torch.from_numpy(sos.astype(np.float64)).float()
    cases.append({"name": name, "fs": fs, "low": lo, "high": hi, "order": order, **kw})
common.write(REL, "bandpass", tensors, {"cases": cases,
             "reference": "scipy.signal.sosfiltfilt(scipy.signal.butter(order, [low, high], btype, fs=fs, output='sos'), x)"})

# ---------------------------------------------------------------- resample_poly
cases, tensors = [], {}
rs = [
    ("r250_128", 250, 128, 2, 1000, "constant"),
    ("r160_250", 160, 250, 1, 333, "constant"),
    ("r1000_250", 1000, 250, 1, 801, "constant"),
    ("r128_256", 128, 256, 2, 101, "constant"),
    ("r100_33", 100, 33, 1, 250, "constant"),
    ("r250_100_mean", 250, 100, 1, 500, "mean"),
    ("r_short", 3, 2, 1, 7, "constant"),
]
for name, f0, f1, c, t, pad in rs:
    x = sig(c, t, f0)
    g = np.gcd(f0, f1)
    y = ss.resample_poly(x, f1 // g, f0 // g, axis=-1, padtype=pad)
    tensors["in." + name] = t32(x)
    tensors["out." + name] = t32(y)
    cases.append({"name": name, "fromFs": f0, "toFs": f1, "padtype": pad})
common.write(REL, "resample", tensors, {"cases": cases, "reference": "scipy.signal.resample_poly(x, up, down, padtype=...)"})


# ---------------------------------------------------------------- exponential moving standardize
def ewm_mean(a, alpha):
    """pandas DataFrame.ewm(alpha=alpha).mean() (adjust=True) along axis 0."""
    out = np.empty_like(a)
    num = np.zeros(a.shape[1])
    den = 0.0
    for t in range(a.shape[0]):
        num = a[t] + (1 - alpha) * num
        den = 1.0 + (1 - alpha) * den
        out[t] = num / den
    return out


def exponential_moving_standardize(data, factor_new=0.001, init_block_size=None, eps=1e-4):
    """braindecode.preprocessing.exponential_moving_standardize with pandas ewm re-implemented."""
    data = data.T
    meaned = ewm_mean(data, factor_new)
    demeaned = data - meaned
    squared = demeaned * demeaned
    square_ewmed = ewm_mean(squared, factor_new)
    standardized = demeaned / np.maximum(eps, np.sqrt(np.array(square_ewmed)))
    standardized = np.array(standardized)
    if init_block_size is not None:
        init_mean = np.mean(data[0:init_block_size], axis=0, keepdims=True)
        init_std = np.std(data[0:init_block_size], axis=0, keepdims=True)
        init_block_standardized = (data[0:init_block_size] - init_mean) / np.maximum(eps, init_std)
        standardized[0:init_block_size] = init_block_standardized
    return standardized.T


cases, tensors = [], {}
em = [
    ("default", 2, 1500, {}),
    ("init_block", 2, 1200, {"factor_new": 1e-3, "init_block_size": 250}),
    ("fast", 1, 400, {"factor_new": 0.1}),
    ("eps_big", 1, 300, {"factor_new": 0.05, "eps": 3.0, "init_block_size": 7}),
]
for name, c, t, kw in em:
    x = sig(c, t, 250.0) * 1e-5 if name == "eps_big" else sig(c, t, 250.0)
    x = x.astype(np.float32).astype(np.float64)
    y = exponential_moving_standardize(x, **kw)
    tensors["in." + name] = t32(x)
    tensors["out." + name] = t32(y)
    cases.append({"name": name, "factorNew": kw.get("factor_new", 1e-3), "initBlockSize": kw.get("init_block_size"), "eps": kw.get("eps", 1e-4)})
common.write(REL, "ems", tensors, {"cases": cases, "reference": "braindecode exponential_moving_standardize (pandas ewm adjust=True, numpy re-implementation)"})

# ---------------------------------------------------------------- images (torch / torchvision)
tensors = {}
g = torch.Generator().manual_seed(0)
img = torch.rand(2, 3, 13, 17, generator=g)
tensors["in.img"] = img
resizes = [(7, 9), (13, 17), (26, 40), (5, 31), (1, 1)]
for h, w in resizes:
    tensors[f"out.resize_{h}x{w}"] = F.interpolate(img, size=(h, w), mode="bilinear", align_corners=False)
crops = [(7, 9), (8, 8), (13, 17), (15, 20)]
for h, w in crops:
    tensors[f"out.center_crop_{h}x{w}"] = TF.center_crop(img, [h, w])
u8 = torch.randint(0, 256, (5, 6, 3), dtype=torch.uint8, generator=g)
tensors["in.hwc_u8"] = u8
tensors["out.to_tensor"] = TF.to_tensor(u8.numpy())
tensors["out.normalize"] = TF.normalize(img, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
common.write(REL, "image", tensors, {"resizes": resizes, "crops": crops,
             "reference": "F.interpolate(bilinear, align_corners=False); torchvision center_crop/to_tensor/normalize"})
print("gen_data: wrote bandpass, resample, ems, image")
