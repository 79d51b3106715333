import type { UserConfig } from 'vitest/config';
/** The shared vitest configuration of nnkit packages, merged with `overrides`. */
export declare function nnkitVitestConfig(overrides?: UserConfig): UserConfig;
