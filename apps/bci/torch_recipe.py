"""PyTorch counterpart of apps/bci (same recipe, same epochs): EEG-TCNet from
../shared/reference/eeg.py trained within-subject on BCI IV 2b (sessions 01-03 train,
04-05 test), z-score per channel fitted on the training trials, Adam lr 1e-3, batch 64,
cross-entropy; accuracy and Cohen's kappa on the test sessions after the last epoch.

    /usr/bin/python3 apps/bci/torch_recipe.py --epochs 10 --subjects 1,2 [--threads 1]

Writes apps/bci/results/<date>-epochs<N>-torch.json and .md."""
import argparse
import datetime
import json
import os
import sys
import time

import numpy as np
import scipy.io
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("NNKIT_SHARED", os.path.abspath(os.path.join(HERE, "..", "..", "..", "shared")))
sys.path.insert(0, os.path.join(SHARED, "reference"))
from eeg import EEGTCNet  # noqa: E402


def load(root, subject, sessions):
    xs, ys = [], []
    for s in sessions:
        m = scipy.io.loadmat(os.path.join(root, f"B0{subject}0{s}{'T' if s <= 3 else 'E'}.mat"))
        xs.append(np.transpose(m["data"], (2, 1, 0)).astype(np.float32))  # (time, ch, trials) -> (trials, ch, time)
        ys.append(m["label"].reshape(-1).astype(np.int64) - 1)
    return np.concatenate(xs), np.concatenate(ys)


def kappa(pred, y, k):
    cm = np.zeros((k, k))
    for p, t in zip(pred, y):
        cm[t, p] += 1
    n = cm.sum()
    po = np.trace(cm) / n
    pe = (cm.sum(0) * cm.sum(1)).sum() / n / n
    return float((po - pe) / (1 - pe)) if pe != 1 else 0.0


def run_subject(root, subject, epochs, seed, limit=None, log=print):
    xtr, ytr = load(root, subject, [1, 2, 3])
    xte, yte = load(root, subject, [4, 5])
    if limit:
        xtr, ytr, xte, yte = xtr[:limit], ytr[:limit], xte[:limit], yte[:limit]
    mean = xtr.mean(axis=(0, 2), dtype=np.float64)[None, :, None]
    std = xtr.std(axis=(0, 2), dtype=np.float64)[None, :, None]
    std[std == 0] = 1
    xtr = torch.from_numpy(((xtr - mean) / std).astype(np.float32))
    xte = torch.from_numpy(((xte - mean) / std).astype(np.float32))
    ytr_t = torch.from_numpy(ytr)
    torch.manual_seed(seed)
    model = EEGTCNet(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed + 1)
    secs = []
    for ep in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(ytr), generator=g)
        tot = 0.0
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr_t[idx])
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        secs.append(time.perf_counter() - t0)
        if ep == 1 or ep % max(1, epochs // 10) == 0:
            log(f"  epoch {ep}/{epochs}  loss {tot / len(ytr):.4f}  {secs[-1]:.2f} s")
    model.eval()
    with torch.no_grad():
        pred = model(xte).argmax(1).numpy()
    return dict(subject=subject, accuracy=float((pred == yte).mean()), kappa=kappa(pred, yte, 2),
                nTrain=int(len(ytr)), nTest=int(len(yte)), secondsPerEpoch=float(np.mean(secs)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=750)
    ap.add_argument("--subjects", default="1,2,3,4,5,6,7,8,9")
    ap.add_argument("--root", default=os.path.join(SHARED, "data", "bciciv2b"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    for s in [int(v) for v in a.subjects.split(",")]:
        print(f"subject {s} (torch {torch.__version__}, {a.threads} thread(s))")
        r = run_subject(a.root, s, a.epochs, seed=s, limit=a.limit)
        print(f"subject {s}: accuracy {100 * r['accuracy']:.1f} %  kappa {r['kappa']:.3f}  ({r['secondsPerEpoch']:.2f} s/epoch)")
        rows.append(r)
    mean = dict(accuracy=float(np.mean([r["accuracy"] for r in rows])), kappa=float(np.mean([r["kappa"] for r in rows])))
    date = datetime.date.today().isoformat()
    out = dict(date=date, model="reference eeg.EEGTCNet(3, 2), paper hyper-parameters",
               recipe="z-score per channel fitted on sessions 01-03, Adam lr 1e-3, batch 64, cross-entropy; test on sessions 04-05 after the last epoch",
               backend=f"pytorch {torch.__version__} cpu, {a.threads} thread(s)", epochs=a.epochs, subjects=rows, mean=mean)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    stem = os.path.join(HERE, "results", f"{date}-epochs{a.epochs}-torch")
    with open(stem + ".json", "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    lines = [f"# PyTorch EEG-TCNet on BCI IV 2b, within-subject ({a.epochs} epochs, {out['backend']})", "",
             "| subject | train trials | test trials | accuracy (%) | kappa | s/epoch |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['subject']} | {r['nTrain']} | {r['nTest']} | {100 * r['accuracy']:.1f} | {r['kappa']:.3f} | {r['secondsPerEpoch']:.2f} |" for r in rows]
    lines += [f"| **mean** | | | **{100 * mean['accuracy']:.1f}** | **{mean['kappa']:.3f}** | |", ""]
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines))
    print(f"mean accuracy {100 * mean['accuracy']:.1f} %, kappa {mean['kappa']:.3f}\nwrote {stem}.json")


if __name__ == "__main__":
    main()
