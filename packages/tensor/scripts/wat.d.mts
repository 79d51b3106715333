/** Assembles WebAssembly text (SIMD on) to its binary, validated. */
export function buildWat(name: string, source: string): Promise<Uint8Array>;
/** The generated TypeScript module holding `bytes` (base64) and their SHA-256. */
export function binaryModuleText(name: string, bytes: Uint8Array): string;
/** The wabt release that assembles the kernels. */
export const WABT_VERSION: string;
