"""Fixtures for @nnkit/data EEG file formats (packages/data/src/formats) and data sets (src/eeg).

Second implementations used as ground truth:
  EDF   MNE (Debian python3-mne): mne.io.read_raw_edf(..., encoding='latin1', preload=True)
  WFDB  a numpy decoder of the MIT annotation format written here (wfdb-python's logic)
  MAT   scipy.io.loadmat / savemat;  MAT v7.3 written with h5py (Debian python3-h5py)
  GDF   biosig-tools' save2gdf (EDF+ -> GDF 2.x) read back by MNE; the synthetic BCI IV 2a GDF is
        written by the small GDF 1.25 writer below (per the GDF spec) and checked with MNE.
Needs /work/shared/data (../shared/data) for the real-data fixtures.
"""
import json
import os
import shutil
import struct
import subprocess
import tempfile

import numpy as np
import scipy.io as sio
import scipy.sparse as sp
import torch

import common

FMT = "packages/data/src/formats"
EEG = "packages/data/src/eeg"
DATA = os.path.join(common.SHARED, "data")
S001 = os.path.join(DATA, "eegmmidb", "S001")


def t(a, dtype=torch.float32):
    return torch.tensor(np.asarray(a), dtype=dtype)


# ---------------------------------------------------------------- EDF vs MNE
def gen_edf():
    import mne
    out, cfg = {}, {"runs": {}}
    for run in ["S001R01", "S001R04", "S001R14"]:
        raw = mne.io.read_raw_edf(os.path.join(S001, run + ".edf"), encoding="latin1", preload=True, verbose=False)
        x = raw.get_data() * 1e6  # V -> uV as stored
        out[f"out.{run}.head"] = t(x[[0, 9, 31, 63], 1000:1300])
        out[f"out.{run}.sum"] = t(x.sum(axis=1), torch.float64)
        out[f"out.{run}.abssum"] = t(np.abs(x).sum(axis=1), torch.float64)
        out[f"out.{run}.last"] = t(x[:, -1])
        cfg["runs"][run] = {
            "nChannels": x.shape[0], "nTimes": x.shape[1], "sfreq": raw.info["sfreq"],
            "labels": raw.ch_names,
            "annotations": [[float(a["onset"]), float(a["duration"]), a["description"]] for a in raw.annotations],
            "headRows": [0, 9, 31, 63], "headStart": 1000, "headStop": 1300,
        }
    # float64 sums would be narrowed to float32 by common.write: keep them in the JSON config instead.
    for run in cfg["runs"]:
        cfg["runs"][run]["sum"] = out.pop(f"out.{run}.sum").tolist()
        cfg["runs"][run]["abssum"] = out.pop(f"out.{run}.abssum").tolist()
    common.write(FMT, "edf_mne", out, cfg)


# ---------------------------------------------------------------- WFDB annotations (numpy decoder)
def decode_wfdb(path):
    b = np.fromfile(path, dtype="<u2")
    i, sample, anns, fs = 0, 0, [], None
    cur = None

    def flush():
        nonlocal cur, fs
        if cur is None:
            return
        if cur["sample"] == 0 and cur["code"] == 22 and cur["aux"].startswith("## "):
            fs = float(cur["aux"].split(":")[1])
        elif cur["code"] != 0:
            anns.append(cur)
        cur = None

    while i < len(b):
        w = int(b[i]); i += 1
        if w == 0:
            break
        a, inc = w >> 10, w & 0x3FF
        if a == 59:  # SKIP: PDP-11 long, high word first
            v = (int(b[i]) << 16) | int(b[i + 1]); i += 2
            sample += v - (1 << 32) if v >= 1 << 31 else v
        elif a == 63:  # AUX
            raw = b[i:i + (inc + 1) // 2].tobytes()[:inc]; i += (inc + 1) // 2
            cur["aux"] = raw.decode("latin1").rstrip("\0")
        elif a in (60, 61, 62):
            pass
        else:
            flush()
            sample += inc
            cur = {"sample": sample, "code": a, "aux": ""}
    flush()
    return anns, fs


def gen_wfdb():
    cfg, out = {}, {}
    for run in ["S001R01", "S001R03", "S001R04", "S001R08", "S001R12"]:
        anns, fs = decode_wfdb(os.path.join(S001, run + ".edf.event"))
        descr = [a["aux"].split(" duration:")[0] for a in anns]
        dur = [float(a["aux"].split("duration:")[1]) for a in anns]
        cfg[run] = {"fs": fs, "descriptions": descr, "durations": dur, "codes": [a["code"] for a in anns]}
        out[f"out.{run}.samples"] = t([a["sample"] for a in anns], torch.int32)
    common.write(FMT, "wfdb_events", out, cfg)


# ---------------------------------------------------------------- MAT v5: real BCI IV 2b + synthetic
def gen_mat_real():
    cfg, out = {}, {}
    d = os.path.join(DATA, "bciciv2b")
    for f in sorted(os.listdir(d)):
        m = sio.loadmat(os.path.join(d, f))
        x, y = m["data"].astype(np.float64), m["label"].astype(np.float64)
        cfg[f] = {"shape": list(x.shape), "sum": float(x.sum()), "abssum": float(np.abs(x).sum()),
                  "first": x[:3, 0, 0].tolist(), "x_5_2_7": float(x[5, 2, 7]), "labelShape": list(y.shape),
                  "labelCounts": [int((y == 1).sum()), int((y == 2).sum())], "labelFirst": y[:10, 0].tolist()}
    common.write(FMT, "mat_bciciv2b", out, cfg)


def synthetic_vars():
    rng = np.random.default_rng(0)
    s = np.zeros((2, 1), dtype=[("a", "O"), ("name", "O")])
    s[0, 0] = (np.arange(6.0).reshape(2, 3), "first")
    s[1, 0] = (np.int16([[-3, 4]]), "second")
    cell = np.empty((1, 3), dtype=object)
    cell[0, 0] = np.float32([[1.5, -2.5]]); cell[0, 1] = "hi"; cell[0, 2] = np.uint8([[7], [8], [9]])
    return {
        "d3": rng.standard_normal((3, 4, 5)),
        "s2": rng.standard_normal((2, 3)).astype(np.float32),
        "i8": np.int8([[-128, 0, 127]]), "u8": np.uint8([[0, 200, 255]]),
        "i16": np.int16([[-32768, 1], [2, 32767]]), "u16": np.uint16([[65535, 3]]),
        "i32": np.int32([[-2**31, 5, 2**31 - 1]]), "u32": np.uint32([[2**32 - 1, 6]]),
        "i64": np.int64([[-2**40, 7]]), "u64": np.uint64([[2**40, 8]]),
        "lg": np.array([[True, False, True]]), "cx": np.array([[1 + 2j, -3.5 - 0.5j]]),
        "small": np.float64([[3.25]]), "txt": "Hello, EEG!", "rows": np.array(["ab", "cd"]),
        "st": s, "cl": cell, "sps": sp.csc_matrix(np.array([[0, 1.5, 0], [2.0, 0, 0], [0, 0, -4.0]])),
        "empty": np.zeros((0, 3)),
    }


def gen_mat_synthetic():
    v = synthetic_vars()
    p = common.fixture_dir(FMT)
    sio.savemat(os.path.join(p, "types_v5.mat"), v, do_compression=False)
    sio.savemat(os.path.join(p, "types_v5z.mat"), v, do_compression=True)
    back = sio.loadmat(os.path.join(p, "types_v5z.mat"))
    cfg = {"d3_rowmajor": back["d3"].ravel().tolist(), "s2_rowmajor": back["s2"].ravel().tolist(),
           "d3_dims": list(back["d3"].shape)}
    common.write(FMT, "mat_types", {"out.d3": t(back["d3"])}, cfg)


def gen_mat73():
    import h5py
    p = os.path.join(common.fixture_dir(FMT), "small_v73.mat")
    with open(p, "wb") as fh:
        hdr = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: nnkit generator HDF5 schema 1.00 ."
        fh.write(hdr.ljust(116, b" ") + b"\0" * 8 + struct.pack("<H", 0x0200) + b"IM" + b"\0" * 384)
    with h5py.File(p, "r+", userblock_size=512) if False else h5py.File(p + ".tmp", "w", userblock_size=512) as f:
        x = np.arange(12, dtype=np.float64).reshape(3, 4)  # MATLAB 3x4
        d = f.create_dataset("X", data=x.T)  # stored transposed
        d.attrs["MATLAB_class"] = np.bytes_("double")
        d = f.create_dataset("n", data=np.int32([[1, -2, 3]]).T)
        d.attrs["MATLAB_class"] = np.bytes_("int32")
        d = f.create_dataset("name", data=np.uint16([[ord(c)] for c in "abc"]))
        d.attrs["MATLAB_class"] = np.bytes_("char")
        g = f.create_group("s")
        g.attrs["MATLAB_class"] = np.bytes_("struct")
        d = g.create_dataset("fs", data=np.float64([[250.0]]))
        d.attrs["MATLAB_class"] = np.bytes_("double")
    with open(p, "rb") as fh:
        head = fh.read(512)
    with open(p + ".tmp", "r+b") as fh:
        fh.write(head)
    os.replace(p + ".tmp", p)


# ---------------------------------------------------------------- EDF+ writer (for the GDF conversion)
def write_edfplus(path, labels, sig_uv, fs, annots, pmin=-8092, pmax=8092, dmin=-8092, dmax=8092):
    ns, T = len(labels) + 1, sig_uv.shape[1]
    nrec = T // fs
    ann_spr = 60

    def f(s, n):
        return s.encode("latin1")[:n].ljust(n, b" ")

    h = f("0", 8) + f("X X X X", 80) + f("Startdate 12-AUG-2009 X X BCI2000", 80) + f("12.08.09", 8) + f("16.15.00", 8)
    h += f(str(256 * (ns + 1)), 8) + f("EDF+C", 44) + f(str(nrec), 8) + f("1", 8) + f(str(ns), 4)
    allL = labels + ["EDF Annotations"]
    h += b"".join(f(l, 16) for l in allL) + b"".join(f("", 80) for _ in allL)
    h += b"".join(f("uV" if i < len(labels) else "", 8) for i in range(ns))
    h += b"".join(f(str(pmin if i < len(labels) else -1), 8) for i in range(ns))
    h += b"".join(f(str(pmax if i < len(labels) else 1), 8) for i in range(ns))
    h += b"".join(f(str(dmin if i < len(labels) else -32768), 8) for i in range(ns))
    h += b"".join(f(str(dmax if i < len(labels) else 32767), 8) for i in range(ns))
    h += b"".join(f("", 80) for _ in allL) + b"".join(f(str(fs if i < len(labels) else ann_spr), 8) for i in range(ns))
    h += b"".join(f("", 32) for _ in allL)
    cal = (pmax - pmin) / (dmax - dmin)
    dig = np.clip(np.round((sig_uv - pmin) / cal + dmin), dmin, dmax).astype("<i2")
    body = b""
    for r in range(nrec):
        for c in range(len(labels)):
            body += dig[c, r * fs:(r + 1) * fs].tobytes()
        tal = f"+{r}\x14\x14\x00".encode()
        for on, du, tx in annots:
            if r <= on < r + 1:
                tal += f"+{on:g}\x15{du:g}\x14{tx}\x14\x00".encode()
        body += tal.ljust(ann_spr * 2, b"\0")
    with open(path, "wb") as fh:
        fh.write(h + body)
    return dig.astype(np.float64) * cal + (pmin - dmin * cal)


def gen_gdf():
    import mne
    raw = mne.io.read_raw_edf(os.path.join(S001, "S001R04.edf"), encoding="latin1", preload=True, verbose=False)
    picks = [8, 10, 12, 40]
    fs, secs = 160, 6
    x = raw.get_data()[picks, :fs * secs] * 1e6
    anns, _ = decode_wfdb(os.path.join(S001, "S001R04.edf.event"))
    ev = [(a["sample"] / fs, float(a["aux"].split("duration:")[1]), a["aux"].split(" ")[0]) for a in anns if a["sample"] < fs * secs]
    p = common.fixture_dir(FMT)
    edf = os.path.join(p, "small.edf")
    phys = write_edfplus(edf, [raw.ch_names[i] for i in picks], x, fs, ev)
    gdf = os.path.join(p, "small.gdf")
    tool = shutil.which("save2gdf")
    if tool is None:
        raise SystemExit("gen_eeg_formats: save2gdf missing (apt-get install -y biosig-tools)")
    subprocess.run([tool, "-f=GDF", edf, gdf], check=True, capture_output=True)
    # (MNE 1.3 cannot read GDF 2.51 headers written by save2gdf; the test compares with small.edf.)
    cfg = {"labels": [raw.ch_names[i] for i in picks], "fs": fs, "events": [[o, d, s] for o, d, s in ev]}
    common.write(FMT, "gdf_small", {"out.signals": t(phys)}, cfg)


# ---------------------------------------------------------------- synthetic BCI IV 2a (GDF 1.25 + MAT)
def write_gdf1(path, labels, sig, fs, events):
    """Minimal GDF 1.25 writer: int8 samples (keeps the fixture small), 1-s records, event table
    mode 3 (1-based positions)."""
    ns, T = len(labels), sig.shape[1]
    nrec = T // fs
    pmin, pmax, dmin, dmax = -100.0, 100.0, -128, 127
    cal = (pmax - pmin) / (dmax - dmin)
    h = b"GDF 1.25" + b"X".ljust(80) + b"synthetic BCI IV 2a".ljust(80) + b"2008010112000000"
    h += struct.pack("<q", 256 * (ns + 1)) + b"\0" * 8 + b"\0" * 16 + b"\0" * 20
    h += struct.pack("<qIII", nrec, 1, 1, ns)
    h += b"".join(l.encode().ljust(16) for l in labels) + b"".join(b"".ljust(80) for _ in labels)
    h += b"".join(b"uV".ljust(8) for _ in labels)
    h += b"".join(struct.pack("<d", pmin) for _ in labels) + b"".join(struct.pack("<d", pmax) for _ in labels)
    h += b"".join(struct.pack("<q", dmin) for _ in labels) + b"".join(struct.pack("<q", dmax) for _ in labels)
    h += b"".join(b"".ljust(80) for _ in labels) + b"".join(struct.pack("<I", fs) for _ in labels)
    h += b"".join(struct.pack("<I", 1) for _ in labels) + b"".join(b"\0" * 32 for _ in labels)
    assert len(h) == 256 * (ns + 1)
    dig = np.clip(np.round((sig - pmin) / cal + dmin), dmin, dmax).astype("i1")
    body = b"".join(dig[:, r * fs:(r + 1) * fs].tobytes() for r in range(nrec))
    pos, typ, dur = zip(*events) if events else ((), (), ())
    n = len(events)
    et = struct.pack("<B", 3) + bytes([fs & 255, (fs >> 8) & 255, fs >> 16]) + struct.pack("<I", n)
    et += struct.pack(f"<{n}I", *[p + 1 for p in pos]) + struct.pack(f"<{n}H", *typ)
    et += struct.pack(f"<{n}H", *([0] * n)) + struct.pack(f"<{n}I", *dur)
    with open(path, "wb") as fh:
        fh.write(h + body + et)
    return dig.astype(np.float64) * cal + (pmin - dmin * cal)


def gen_bciciv2a():
    rng = np.random.default_rng(1)
    fs, ntr, trial_len = 250, 3, 6 * 250
    labels = [f"EEG-{i}" for i in range(22)] + ["EOG-left", "EOG-central", "EOG-right"]
    T = 250 + ntr * trial_len
    sig = rng.uniform(-60, 60, (25, T))
    y = np.array([2, 3, 4])
    art = np.array([0, 1, 0])
    starts = [250 + k * trial_len for k in range(ntr)]
    events = [(0, 32766, 0), (10, 276, 250)]
    for k, s0 in enumerate(starts):
        events.append((s0, 768, 1500))
        if art[k]:
            events.append((s0, 1023, 1500))
        events.append((s0 + 500, 768 + y[k], 313))
    events = [e for e in events if e[0] < T]
    events.sort()
    d = common.fixture_dir(EEG)
    phys = write_gdf1(os.path.join(d, "A09T.gdf"), labels, sig, fs, events)
    sio.savemat(os.path.join(d, "A09T_labels.mat"), {"classlabel": y.reshape(-1, 1).astype(np.uint8)})
    g = __import__("mne").io.read_raw_gdf(os.path.join(d, "A09T.gdf"), preload=True, verbose=False)
    assert np.allclose(g.get_data() * 1e6, phys, atol=1e-3)
    # BNCI-style MAT: data = 1x2 cell of structs (one EOG-only run without trials, one run with trials).
    # X is stored as int8 digital values scaled back (exact in double) to keep the fixture small.
    run0 = {"X": phys[:, :250].T, "trial": np.zeros((0, 1)), "y": np.zeros((0, 1)), "fs": fs,
            "classes": np.array(["left hand", "right hand", "feet", "tongue"], dtype=object),
            "artifacts": np.zeros((0, 1)), "gender": "f", "age": 30}
    run1 = dict(run0, X=phys.T, trial=np.array(starts).reshape(-1, 1) + 0.0, y=y.reshape(-1, 1) + 0.0,
                artifacts=art.reshape(-1, 1) + 0.0)
    cell = np.empty((1, 2), dtype=object)
    cell[0, 0], cell[0, 1] = run0, run1
    sio.savemat(os.path.join(d, "A09T.mat"), {"data": cell}, do_compression=True)
    keep = [k for k in range(ntr) if not art[k]]
    X = np.stack([phys[:22, starts[k] + 375:starts[k] + 1500] for k in keep])
    common.write(EEG, "bciciv2a_expected", {"out.X.sum": t(X.sum(axis=2)), "out.X.first": t(X[:, :, :4])},
                 {"labels": (y[keep] - 1).tolist(), "shape": list(X.shape), "starts": starts})


if __name__ == "__main__":
    gen_wfdb()
    gen_mat_synthetic()
    gen_mat73()
    gen_bciciv2a()
    if os.path.isdir(DATA):
        gen_edf()
        gen_mat_real()
        gen_gdf()
    else:
        print("gen_eeg_formats: ../shared/data absent: real-data fixtures not regenerated")
