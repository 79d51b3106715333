// Writes state dicts as PyTorch `.pth` files with Debian's PyTorch (`torch.save`), for the
// contract suite's `.pth` round trip: one long-lived Python process (torch imports once), fed
// safetensors bytes over files in a temporary folder.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { saveSafetensors } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';

// Reads a safetensors file (header order kept) and torch.save()s it as an OrderedDict, integer
// tensors widened to int64 as PyTorch keeps them (num_batches_tracked), so nnkit's reader narrows them.
const SCRIPT = `
import sys, json, struct, collections
import numpy as np, torch
DT = {'F32': np.float32, 'F64': np.float64, 'I32': np.int32, 'I64': np.int64, 'U8': np.uint8, 'BOOL': np.bool_}
for line in sys.stdin:
    src, dst = line.rstrip('\\n').split('\\t')
    try:
        with open(src, 'rb') as f:
            n = struct.unpack('<Q', f.read(8))[0]
            header = json.loads(f.read(n))
            data = f.read()
        sd = collections.OrderedDict()
        for k, info in header.items():
            if k == '__metadata__':
                continue
            a, b = info['data_offsets']
            t = torch.from_numpy(np.frombuffer(data[a:b], dtype=DT[info['dtype']]).reshape(info['shape']).copy())
            sd[k] = t.to(torch.int64) if t.dtype == torch.int32 else t
        torch.save(sd, dst)
        print('ok', flush=True)
    except Exception as e:
        print('err ' + repr(e).replace('\\n', ' '), flush=True)
`;

/**
 * A `torch.save` writer: `write(stateDict)` resolves with the bytes of the `.pth` file.
 *
 * @example
 * ```ts
 * const w = new PthWriter('/usr/bin/python3');
 * const bytes = await w.write(model.stateDict()); // PyTorch zip checkpoint
 * w.close();
 * ```
 */
export class PthWriter {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nnkit-pth-'));
  private readonly waiting: ((line: string) => void)[] = [];
  private n = 0;
  private stderr = '';

  constructor(python: string, env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(python, ['-c', SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    createInterface({ input: this.proc.stdout }).on('line', (l) => this.waiting.shift()?.(l));
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w(`err python exited (${code}): ${this.stderr}`);
    });
  }

  /** Saves `dict` with `torch.save` and returns the file's bytes. */
  async write(dict: Record<string, Tensor>): Promise<Uint8Array> {
    const i = this.n++;
    const src = join(this.dir, `${i}.safetensors`);
    const dst = join(this.dir, `${i}.pth`);
    writeFileSync(src, saveSafetensors(dict));
    const reply = await new Promise<string>((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(`${src}\t${dst}\n`);
    });
    if (reply !== 'ok') throw new Error(`torch.save failed: ${reply}`);
    const bytes = new Uint8Array(readFileSync(dst));
    rmSync(src);
    rmSync(dst);
    return bytes;
  }

  /** Ends the Python process and removes the temporary folder. */
  close(): void {
    this.proc.stdin.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
