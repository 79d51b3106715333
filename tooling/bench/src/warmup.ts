// Warm-up counts shared by the bench's measurements (import-free: the A/B tools load it too).

/**
 * Warm-up steps before a training-step measurement (the PyTorch peer takes as many, `STEP_WARMUP`
 * in torch_eeg.py). A step dispatches ~700 kernels from JavaScript that V8 compiles and optimises
 * over the first steps: the 3-channel EEG-TCNet step measured (2026-12-03, medians per window of
 * one 80-step run) 68–80 ms over steps 3–10, 56 ms over 11–20 and 38–53 ms from step 21 on,
 * while PyTorch's steps are flat after the second. A 2b training run takes ~4,500 steps, so the
 * steady state is what a user waits for.
 */
export const TRAIN_WARMUP = 20;
