// The tfjs wasm binaries, emitted by Vite as hashed assets (`?url` gives their served URL in
// dev and in the build). tfjs picks one of them at start-up (SIMD, threaded SIMD when the
// page is cross-origin isolated, or plain), so all three are served.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name → URL map for `initBackend('wasm', { wasmPaths })` (tfjs `setWasmPaths`). */
export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
};
