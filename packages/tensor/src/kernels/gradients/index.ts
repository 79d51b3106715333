import { getGradient, registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { activationGradients } from './activation.js';
import { arithmeticGradients } from './arithmetic.js';
import { indexingGradients } from './indexing.js';
import { nnGradients } from './nn.js';
import { nnkitConv2DGrad } from './NnkitConv2D-grad.js';
import { nnkitConvDirectNchwGrad } from './NnkitConvDirectNchw-grad.js';
import { nnkitConvWindowsNchwGrad } from './NnkitConvWindowsNchw-grad.js';
import { nnkitDepthwiseRowsNchwGrad } from './NnkitDepthwiseRowsNchw-grad.js';
import { nnkitDepthwiseSpatialNchwGrad } from './NnkitDepthwiseSpatialNchw-grad.js';
import { nnkitMaxPoolGrad } from './NnkitMaxPoolNchw-grad.js';
import { reductionGradients } from './reduction.js';
import { shapeGradients } from './shape.js';
import { unaryGradients } from './unary.js';

let all: GradConfig[] | undefined;

/**
 * nnkit's own gradient configs: those of the tfjs-core kernels that nnkit's ops, layers, losses
 * and optimizers run (tfjs-core keeps its op gradients in a side-effect module that plain Node
 * ESM cannot load) and those of nnkit's own kernels (`NnkitConv2D`, `NnkitConvDirectNchw`, `NnkitConvWindowsNchw`, `NnkitDepthwiseSpatialNchw`, `NnkitDepthwiseRowsNchw`, `NnkitMaxPoolNchw`). Built once, on first call;
 * nothing is registered here. Where each lives: see "Where gradients live" in the README.
 */
export function nnkitGradients(): readonly GradConfig[] {
  all ??= [
    ...arithmeticGradients(),
    ...unaryGradients(),
    ...activationGradients(),
    ...reductionGradients(),
    ...shapeGradients(),
    ...indexingGradients(),
    ...nnGradients(),
    nnkitConv2DGrad,
    nnkitConvDirectNchwGrad,
    nnkitConvWindowsNchwGrad,
    nnkitDepthwiseSpatialNchwGrad,
    nnkitDepthwiseRowsNchwGrad,
    nnkitMaxPoolGrad,
  ];
  return all;
}

/**
 * Registers every gradient of {@link nnkitGradients} whose kernel has none yet, so gradients
 * that an app registered itself (e.g. by importing tfjs-core's `register_all_gradients`) are
 * kept and tfjs prints no "Overriding gradient" warnings. Idempotent.
 *
 * @returns the kernel names registered by this call.
 */
export function registerNnkitGradients(): string[] {
  const added: string[] = [];
  for (const g of nnkitGradients()) {
    if (getGradient(g.kernelName) === undefined) {
      registerGradient(g);
      added.push(g.kernelName);
    }
  }
  return added;
}
