"""Parity fixtures for @nnkit/metrics against scikit-learn (Debian python3-sklearn).

Writes packages/metrics/src/classification/__fixtures__/metrics_<case>.safetensors with
  in.logits [N, K] float32 (multi-class) or in.scores [N] float32 (binary), in.labels [N] int64
  out.<metric> sklearn's result (float64 stored as float32; counts exact)
config: {"numClasses": K, "explicitLabels": bool, "kind": "multiclass"|"binary", "n": N}
Argument order in nnkit is (outputs, labels); sklearn's is (y_true, y_pred).
"""
import numpy as np
import torch
from sklearn import metrics as skm

import common

REL = "packages/metrics/src/classification"
t = lambda a, dt=torch.float64: torch.tensor(np.asarray(a), dtype=dt)  # noqa: E731


def multiclass(name, n, k, seed, imbalance=None, never_predicted=None, absent=None, explicit=False):
    rng = np.random.default_rng(seed)
    p = None
    if imbalance is not None:
        p = np.asarray(imbalance, dtype=np.float64)
        p = p / p.sum()
    labels = rng.choice(k, size=n, p=p)
    if absent is not None:
        labels[labels == absent] = (absent + 1) % k
    logits = rng.normal(size=(n, k)).astype(np.float32)
    # make predictions correlate with the labels
    logits[np.arange(n), labels] += rng.uniform(0.0, 2.0, size=n).astype(np.float32)
    for c in [never_predicted, absent]:
        if c is not None:
            logits[:, c] -= 100.0
    pred = logits.argmax(1)
    lab = list(range(k)) if explicit else None
    out = {
        "in.logits": torch.from_numpy(logits),
        "in.labels": torch.from_numpy(labels.astype(np.int64)),
        "out.accuracy": t(skm.accuracy_score(labels, pred)),
        "out.confusion_matrix": t(skm.confusion_matrix(labels, pred, labels=lab), torch.int64),
        "out.confusion_matrix_true": t(skm.confusion_matrix(labels, pred, labels=lab, normalize="true")),
        "out.confusion_matrix_pred": t(skm.confusion_matrix(labels, pred, labels=lab, normalize="pred")),
        "out.confusion_matrix_all": t(skm.confusion_matrix(labels, pred, labels=lab, normalize="all")),
        "out.kappa": t(skm.cohen_kappa_score(labels, pred, labels=lab)),
        "out.kappa_linear": t(skm.cohen_kappa_score(labels, pred, labels=lab, weights="linear")),
        "out.kappa_quadratic": t(skm.cohen_kappa_score(labels, pred, labels=lab, weights="quadratic")),
        "out.balanced_accuracy": t(skm.balanced_accuracy_score(labels, pred)),
        "out.balanced_accuracy_adjusted": t(skm.balanced_accuracy_score(labels, pred, adjusted=True)),
    }
    for zd in [0, 1]:
        for avg in ["macro", "micro", "weighted", None]:
            pr, rc, f1, _ = skm.precision_recall_fscore_support(labels, pred, labels=lab, average=avg, zero_division=zd)
            key = f"{avg or 'none'}_zd{zd}"
            out[f"out.precision_{key}"] = t(pr)
            out[f"out.recall_{key}"] = t(rc)
            out[f"out.f1_{key}"] = t(f1)
    f2 = skm.fbeta_score(labels, pred, beta=2.0, labels=lab, average="macro", zero_division=0)
    out["out.f2_macro_zd0"] = t(f2)
    if k > 2:
        out["out.top2_accuracy"] = t(skm.top_k_accuracy_score(labels, logits, k=2, labels=list(range(k))))
    probs = torch.softmax(torch.from_numpy(logits).double(), 1).numpy()
    if k > 2 and absent is None and len(np.unique(labels)) == k:
        out["out.roc_auc_ovr_macro"] = t(skm.roc_auc_score(labels, probs, multi_class="ovr", average="macro"))
        out["out.roc_auc_ovr_weighted"] = t(skm.roc_auc_score(labels, probs, multi_class="ovr", average="weighted"))
    cfg = {"kind": "multiclass", "n": n, "numClasses": k, "explicitLabels": explicit,
           "neverPredicted": never_predicted, "absent": absent}
    common.write(REL, f"metrics_{name}", out, cfg)


def binary(name, n, seed, decimals=None, pos_frac=0.5):
    rng = np.random.default_rng(seed)
    labels = (rng.uniform(size=n) < pos_frac).astype(np.int64)
    labels[0], labels[1] = 0, 1  # both classes present
    scores = (rng.normal(size=n) + 1.2 * labels).astype(np.float32)
    if decimals is not None:
        scores = np.round(scores, decimals).astype(np.float32)  # many ties
    fpr, tpr, thr = skm.roc_curve(labels, scores)
    fpr_all, tpr_all, _ = skm.roc_curve(labels, scores, drop_intermediate=False)
    pred = (scores > 0).astype(np.int64)
    pr, rc, f1, _ = skm.precision_recall_fscore_support(labels, pred, average="binary", zero_division=0)
    out = {
        "in.scores": torch.from_numpy(scores),
        "in.labels": torch.from_numpy(labels),
        "out.roc_auc": t(skm.roc_auc_score(labels, scores)),
        "out.roc_fpr": t(fpr),
        "out.roc_tpr": t(tpr),
        "out.roc_thresholds_tail": t(thr[1:]),  # thr[0] is thr[1] + 1 in sklearn 1.2, +inf from 1.3 on
        "out.roc_fpr_all": t(fpr_all),
        "out.roc_tpr_all": t(tpr_all),
        "out.accuracy_logits": t(skm.accuracy_score(labels, pred)),
        "out.accuracy_probs": t(skm.accuracy_score(labels, (1 / (1 + np.exp(-scores.astype(np.float64))) > 0.5).astype(np.int64))),
        "out.precision_binary": t(pr),
        "out.recall_binary": t(rc),
        "out.f1_binary": t(f1),
        "out.kappa": t(skm.cohen_kappa_score(labels, pred)),
        "out.confusion_matrix": t(skm.confusion_matrix(labels, pred), torch.int64),
    }
    common.write(REL, f"metrics_{name}", out, {"kind": "binary", "n": n, "numClasses": 2, "decimals": decimals})


multiclass("tiny", 7, 3, seed=1)
multiclass("k4_imbalanced_never_predicted", 61, 4, seed=2, imbalance=[8, 3, 1, 2], never_predicted=3)
multiclass("k5_absent_explicit", 97, 5, seed=3, absent=2, explicit=True)
multiclass("k6_large", 403, 6, seed=4, imbalance=[1, 2, 3, 4, 5, 6])
multiclass("k2_argmax", 30, 2, seed=5)
binary("binary_continuous", 101, seed=6)
binary("binary_ties", 257, seed=7, decimals=1, pos_frac=0.3)
binary("binary_tiny", 5, seed=8)
