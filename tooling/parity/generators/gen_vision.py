"""Parity fixtures of @nnkit/vision (LeNet of small.py, AttentionUNet of vision.py) and of the
nearest-neighbour resize they rely on (@nnkit/tensor's interpolateNearest).

  packages/vision/src/models/__fixtures__/lenet-<case>.safetensors   common.model_case of LeNet
  packages/vision/src/models/__fixtures__/aunet-<case>.safetensors   common.model_case of AttentionUNet
  packages/vision/src/image/__fixtures__/imagenet.safetensors         torchvision Resize / ImageNet preset
  packages/tensor/src/ops/basic/__fixtures__/nearest.safetensors     F.interpolate(mode='nearest')
                                                                     source indices (config) and a resize
Each model case: eval and train (dropout off) outputs, input and parameter gradients of
sum(out * in.r), state after the step (AttentionUNet cases also in float64, keys f64.*); the config holds the constructor arguments. Sizes beyond
the defaults: odd H, W, depth 2/3/4, non-default base, num_classes and in_channels.
"""
import torch
import torch.nn.functional as F

import torchvision.transforms as T
from torchvision.transforms._presets import ImageClassification

import common
from small import LeNet
from vision import AttentionUNet

MODELS = "packages/vision/src/models"
IMAGE = "packages/vision/src/image"
TENSOR = "packages/tensor/src/ops/basic"

# LeNet takes 32 x 32 only (fc1 reads 16 * 5 * 5); one case (~0.8 MB: weights, gradients, state after).
LENET = {
    "c7b3": ({"numClasses": 7}, (3, 1, 32, 32)),
}
AUNET = {
    # name: (options, input shape)
    "d4-odd": ({"inChannels": 1, "numClasses": 2, "base": 4, "depth": 4}, (2, 1, 37, 50)),
    "d2-rgb": ({"inChannels": 3, "numClasses": 3, "base": 6, "depth": 2}, (2, 3, 17, 23)),
    "d3-small": ({"inChannels": 2, "numClasses": 5, "base": 5, "depth": 3}, (1, 2, 13, 9)),
}


def main():
    for name, (o, shape) in LENET.items():
        t = common.model_case(lambda: LeNet(o["numClasses"]), shape, seed=140, weight_scale=1.0)
        common.write(MODELS, f"lenet-{name}", t, {**o, "shape": list(shape)})
    for i, (name, (o, shape)) in enumerate(AUNET.items()):
        ctor = lambda: AttentionUNet(o["inChannels"], o["numClasses"], base=o["base"], depth=o["depth"])  # noqa: E731
        t = common.model_case(ctor, shape, seed=141 + i, weight_scale=1.0)
        # the same case in float64 (same weights, input, in.r): the test falls back to it where a
        # float32 gradient summed over a whole image through four batch norms is ill-conditioned
        t64 = common.model_case(ctor, shape, seed=141 + i, weight_scale=1.0, dtype=torch.float64)
        t.update({"f64." + k: v for k, v in t64.items() if k.startswith(("out.", "grad."))})
        common.write(MODELS, f"aunet-{name}", t, {**o, "shape": list(shape)})

    # nearest: the source index PyTorch picks for every (in, out) pair below
    pairs = [(i, o) for i in (1, 2, 3, 4, 5, 6, 7, 9, 12, 18, 25, 37) for o in (1, 2, 3, 5, 6, 7, 9, 13, 17, 18, 24, 36, 37, 50, 74, 75)]
    idx = {}
    for i, o in pairs:
        src = torch.arange(i, dtype=torch.float32).view(1, 1, i, 1)
        idx[f"{i}x{o}"] = F.interpolate(src, size=(o, 1), mode="nearest").view(-1).long().tolist()
    g = torch.Generator().manual_seed(142)
    x = torch.randn(2, 3, 9, 12, generator=g)
    common.write(TENSOR, "nearest", {"in.x": x, "out.r9x12_to_13x25": F.interpolate(x, size=(13, 25), mode="nearest"),
                                     "out.r9x12_to_6x5": F.interpolate(x, size=(6, 5), mode="nearest")},
                 {"indices": idx})


    # torchvision 0.14 transforms on a float tensor (bilinear, no antialiasing on tensors): Resize of
    # the smaller edge, and the ImageNet preset at a small size (the same code as 342 -> 299).
    img = torch.rand(3, 37, 50, generator=g)
    common.write(IMAGE, "imagenet", {
        "in.img": img,
        "out.resize20": T.Resize(20)(img),
        "out.resize_15x41": T.Resize((15, 41))(img),
        "out.preset_24_20": ImageClassification(crop_size=20, resize_size=24)(img),
    }, {"resize": 20, "preset": {"resizeSize": 24, "cropSize": 20}})


if __name__ == "__main__":
    main()
