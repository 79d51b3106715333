import { ArgumentError } from '@nnkit/tensor';
import { Conv2d, Module } from '@nnkit/nn';
import { checkPositiveInt } from './check.js';

/**
 * The query/key/value 1×1 convolutions shared by DANet's position attention, SAGAN's
 * self-attention and CCNet's criss-cross attention: `in_dim → in_dim / reduction` for query and
 * key, `in_dim → in_dim` for the value. Checks the arguments once.
 * @internal
 */
export function qkvConvs(owner: Module, name: string, inDim: number, reduction: number): [Conv2d, Conv2d, Conv2d] {
  checkPositiveInt(name, 'in_dim', inDim);
  checkPositiveInt(name, 'reduction', reduction);
  const inner = Math.floor(inDim / reduction);
  if (inner < 1) throw new ArgumentError(name, `in_dim // reduction must be at least 1 (query/key channels), got ${inDim} // ${reduction} = ${inner}`);
  return [
    owner.registerModule('query_conv', new Conv2d(inDim, inner, 1)),
    owner.registerModule('key_conv', new Conv2d(inDim, inner, 1)),
    owner.registerModule('value_conv', new Conv2d(inDim, inDim, 1)),
  ];
}
