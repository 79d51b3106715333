"""Test-time export of a torchvision 0.14 Inception v3 with random weights (Debian python3-torchvision).

Usage: /usr/bin/python3 export_torchvision.py OUT_DIR SAFETENSORS_IO_DIR
Writes into OUT_DIR (an ignored cache folder; ~100 MB each, never committed):
  weights.safetensors   state_dict of inception_v3(num_classes=10, aux_logits=True) with non-trivial
                        batch-norm statistics (measured on a random batch) and affine parameters
  weights.pth           the same state_dict through torch.save (zip format)
  mismatch.pth          the same, with fc.* renamed to classifier.* and AuxLogits.conv0.* left out
  io.safetensors        in.x299, in.x150 (batch 2), out.eval299, out.eval150 (eval logits),
                        out.train299, out.aux299 (train mode, dropout 0: logits and aux logits)
  done                  written last (the test regenerates when it is missing)
"""
import json
import os
import sys

import torch
import torchvision

out_dir, st_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, st_dir)
from safetensors_io import save  # noqa: E402

torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
torch.manual_seed(14)
g = torch.Generator().manual_seed(14)
model = torchvision.models.inception_v3(weights=None, num_classes=10, aux_logits=True, init_weights=True)

# Batch-norm statistics of a real forward (cumulative average over another random batch) and random
# affine parameters: eval mode normalises with statistics that are neither 0/1 nor the batch's own.
# (Perturbing the statistics further compounds over the ~20 layers of a path: logits in the hundreds.)
for m in model.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.momentum = None
model.train()
with torch.no_grad():
    model(torch.randn(4, 3, 299, 299, generator=g))
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = 0.1
            m.weight.uniform_(0.9, 1.1, generator=g)
            m.bias.uniform_(-0.05, 0.05, generator=g)
    model.fc.bias.uniform_(-0.5, 0.5, generator=g)

sd = model.state_dict()
params = sum(p.numel() for p in model.parameters())
save({k: v.contiguous() for k, v in sd.items()}, os.path.join(out_dir, "weights.safetensors"),
     metadata={"config": json.dumps({"numClasses": 10, "params": params})})
torch.save(sd, os.path.join(out_dir, "weights.pth"))
bad = {("classifier." + k[3:] if k.startswith("fc.") else k): v for k, v in sd.items() if not k.startswith("AuxLogits.conv0.")}
torch.save(bad, os.path.join(out_dir, "mismatch.pth"))

x299 = torch.randn(2, 3, 299, 299, generator=g)
x150 = torch.randn(2, 3, 150, 150, generator=g)
model.eval()
with torch.no_grad():
    e299 = model(x299)
    e150 = model(x150)
model.dropout.p = 0.0
model.train()
with torch.no_grad():
    t = model(x299)
save({"in.x299": x299, "in.x150": x150, "out.eval299": e299, "out.eval150": e150,
      "out.train299": t.logits, "out.aux299": t.aux_logits},
     os.path.join(out_dir, "io.safetensors"), metadata={"config": json.dumps({"numClasses": 10})})
with open(os.path.join(out_dir, "done"), "w") as f:
    f.write("1\n")
print(json.dumps({"params": params, "eval299_absmax": float(e299.abs().max()), "eval150_absmax": float(e150.abs().max()),
                  "aux_absmax": float(t.aux_logits.abs().max())}))
