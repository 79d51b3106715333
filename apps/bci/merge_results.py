"""Merges per-subject result files of apps/bci (runs split across processes with --out)
into one results file, and writes a comparison with the PyTorch run of the same epochs.

    /usr/bin/python3 apps/bci/merge_results.py OUT_STEM nnkit1.json [nnkit2.json ...] [--torch torch.json]

Writes OUT_STEM.json / OUT_STEM.md (nnkit) and OUT_STEM-vs-torch.md when --torch is given."""
import json
import sys


def main(argv):
    torch_path = None
    if "--torch" in argv:
        i = argv.index("--torch")
        torch_path = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    stem, files = argv[0], argv[1:]
    runs = [json.load(open(f)) for f in files]
    subjects = sorted((s for r in runs for s in r["subjects"]), key=lambda s: s["subject"])
    base = dict(runs[0])
    base["subjects"] = subjects
    n = len(subjects)
    base["mean"] = dict(accuracy=sum(s["accuracy"] for s in subjects) / n, kappa=sum(s["kappa"] for s in subjects) / n)
    with open(stem + ".json", "w") as f:
        json.dump(base, f, indent=2)
        f.write("\n")
    lines = [f"# EEG-TCNet on BCI IV 2b, within-subject ({base['epochs']} epochs, {base['backend']})", "",
             base["recipe"] + f". Date {base['date']}.", "",
             "| subject | train trials | test trials | accuracy (%) | kappa | s/epoch |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {s['subject']} | {s['nTrain']} | {s['nTest']} | {100 * s['accuracy']:.1f} | {s['kappa']:.3f} | {s['secondsPerEpoch']:.2f} |" for s in subjects]
    lines += [f"| **mean** | | | **{100 * base['mean']['accuracy']:.1f}** | **{base['mean']['kappa']:.3f}** | |", ""]
    open(stem + ".md", "w").write("\n".join(lines))
    if torch_path:
        t = json.load(open(torch_path))
        ts = {s["subject"]: s for s in t["subjects"]}
        common = [s for s in subjects if s["subject"] in ts]
        rows = ["# EEG-TCNet on BCI IV 2b: nnkit (wasm) vs PyTorch (CPU), same recipe and epochs", "",
                f"{base['recipe']}; {base['epochs']} epochs. nnkit: {base['backend']}; PyTorch: {t['backend']}.", "",
                "| subject | nnkit acc (%) | nnkit kappa | PyTorch acc (%) | PyTorch kappa | nnkit s/epoch | PyTorch s/epoch |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for s in common:
            p = ts[s["subject"]]
            rows.append(f"| {s['subject']} | {100 * s['accuracy']:.1f} | {s['kappa']:.3f} | {100 * p['accuracy']:.1f} | {p['kappa']:.3f} | {s['secondsPerEpoch']:.2f} | {p['secondsPerEpoch']:.2f} |")
        k = len(common)
        if k:
            ma = sum(s["accuracy"] for s in common) / k
            mk = sum(s["kappa"] for s in common) / k
            pa = sum(ts[s["subject"]]["accuracy"] for s in common) / k
            pk = sum(ts[s["subject"]]["kappa"] for s in common) / k
            rows.append(f"| **mean ({k} subjects)** | **{100 * ma:.1f}** | **{mk:.3f}** | **{100 * pa:.1f}** | **{pk:.3f}** | | |")
        rows.append("")
        open(stem + "-vs-torch.md", "w").write("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
