/**
 * The bench's workloads, by group. Import-light (no tfjs): the CLI, the time estimate and the
 * smoke test read it without starting a backend. Each group runs in its own Node process
 * (`group-main.ts` → `workloads/<group>.ts`) and, when it has one, its own PyTorch process
 * (`torch_<group>.py`, one thread), so import costs stay out of the timings and peak RSS is the
 * group's own.
 */

/** One timed workload. */
export interface Workload {
  /** Kebab-case, unique within its group; the row id is `<group>/<id>`. */
  id: string;
  /** Rough seconds per timed run on a quiet 2-core machine, nnkit + peers (for the estimate). */
  perRunS: number;
  /** Rough seconds of set-up and warm-up (model building, data, warm-up calls). */
  fixedS: number;
}

/** A group of workloads sharing a process (and a PyTorch script). */
export interface Group {
  name: string;
  /** What the group measures (shown by `--list`). */
  title: string;
  /** PyTorch script beside package.json, called as `script id...`; none when the group runs its own peer. */
  torch?: string;
  workloads: Workload[];
}

const w = (id: string, perRunS: number, fixedS: number): Workload => ({ id, perRunS, fixedS });

export const GROUPS: readonly Group[] = [
  {
    name: 'eeg-infer',
    title: 'EEG-TCNet inference (1 trial default and uncached, batch 288) and the batch-64 forward; tfjs-layers peer',
    torch: 'torch_eeg.py',
    workloads: [w('eegtcnet-infer-b1', 0.05, 3), w('eegtcnet-infer-b1-uncached', 0.1, 1), w('eegtcnet-infer-b288', 0.6, 3), w('eegtcnet-forward-b64', 0.4, 1)],
  },
  {
    name: 'eeg-steps',
    title: 'Training steps, batch 64, Adam: EEG-TCNet 22 ch and 3 ch (2b recipe), EEGNet, EEG-Inception-TCN',
    torch: 'torch_eeg.py',
    workloads: [w('eegtcnet-step-22ch', 2.5, 12), w('eegtcnet-step-3ch', 0.3, 4), w('eegnet-step', 2.5, 9), w('eeg-inception-tcn-step', 6, 30)],
  },
  {
    name: 'front-end',
    title: 'EEG front end ops: temporal 1×32 Conv2d forward; conv + BN + depthwise fwd+bwd; temporalSpatialConv',
    torch: 'torch_eeg.py',
    workloads: [w('temporal-conv-fwd', 0.4, 1), w('front-end-step', 1.5, 3), w('front-end-fused', 1, 2)],
  },
  {
    name: 'vision',
    title: 'Inception v3 forward (b1, 299²) and train step (b8, aux logits); LeNet one epoch on the digits',
    torch: 'torch_vision.py',
    workloads: [w('inception-v3-fwd-b1', 1, 8), w('inception-v3-step-b8', 20, 40), w('lenet-digits-epoch', 2, 5)],
  },
  {
    name: 'iris',
    title: 'Iris MLP 4-6-3, 150 epochs: a pre-batched loop, and the app recipe (DataLoader, Runner, dev eval, best model)',
    torch: 'torch_iris.py',
    workloads: [w('iris-loop', 1.5, 3), w('iris-recipe', 3, 5)],
  },
  {
    name: 'attention',
    title: 'Attention modules at C = 64, N = 1024 and 4096, forward and fwd+bwd (src/attention.ts; PyTorch inside)',
    workloads: ['SelfAttention2d', 'CrissCrossAttention', 'InterlacedSparseSelfAttention', 'EfficientAttention', 'SpatialReductionAttention'].map((m) => w(m, 3, 10)),
  },
  {
    name: 'data',
    title: 'BCI IV 2b (subject 1, sessions 1-3): reading the files, a DataLoader epoch, one EEG-TCNet training epoch',
    torch: 'torch_data.py',
    workloads: [w('read-2b', 0.5, 2), w('dataloader-2b', 0.3, 2), w('epoch-2b', 3, 8)],
  },
];

/** The selected workloads of each group (groups with none left out). */
export function select(only: RegExp | undefined): Array<{ group: Group; workloads: Workload[] }> {
  return GROUPS.map((group) => ({ group, workloads: group.workloads.filter((x) => only === undefined || only.test(`${group.name}/${x.id}`)) })).filter((g) => g.workloads.length > 0);
}

/**
 * Estimated seconds for a selection: per workload `fixedS + runs · perRunS`, doubled for the
 * PyTorch part when the peer runs before and after nnkit (roughly: half of `perRunS` is PyTorch's),
 * plus ~3 s of process start per group.
 */
export function estimateSeconds(sel: ReturnType<typeof select>, runs: number, peerTwice: boolean): number {
  return sel.reduce((s, { group, workloads }) => {
    const peerFactor = group.torch !== undefined && peerTwice ? 1.5 : 1;
    return s + 3 + workloads.reduce((a, x) => a + peerFactor * (x.fixedS + runs * x.perRunS), 0);
  }, 0);
}
