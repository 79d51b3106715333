// Owned by the streaming area; an explicit list of named exports.
export { createStream, type EegStream, type StreamChunk, type StreamOptions, type StreamOutput } from './create-stream.js';
