import { FormatError } from '@nnkit/tensor';

/** What an image file declares before any pixel is decoded. */
export interface ImageHeader {
  width: number;
  height: number;
}

// Deflate cannot expand more than ~1032:1 (a 258-byte match in ≥ 2 bits): a PNG's raw scanlines
// are at most that many times its IDAT bytes.
const DEFLATE_MAX_RATIO = 1032;
// Every 8×8 block of a JPEG scan costs at least 1 bit (a progressive DC scan; 2 bits in a sequential
// one: a DC code and an end-of-block): at most 512 (256) pixels per byte of the file.
const JPEG_PIXELS_PER_BYTE_PROGRESSIVE = 512;
const JPEG_PIXELS_PER_BYTE_SEQUENTIAL = 256;
/** Small images are never refused for their size (headers, tables, tiny scans). */
const SLACK_PIXELS = 4096;

const u32 = (b: Uint8Array, p: number): number => ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
const u16 = (b: Uint8Array, p: number): number => (b[p]! << 8) + b[p + 1]!;

/** Bits per pixel of a PNG colour type at a bit depth, or undefined for an invalid pair. */
function pngBitsPerPixel(colorType: number, depth: number): number | undefined {
  const channels: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
  const depths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  return depths[colorType]?.includes(depth) ? channels[colorType]! * depth : undefined;
}

/**
 * Reads a PNG's IHDR and checks, before the decoder allocates anything, that the declared size is
 * within `maxPixels` and could come from the file's IDAT bytes (the decoder sizes its buffers from
 * the header alone: a 100-byte file declaring 40000 × 40000 pixels would ask for gigabytes).
 *
 * @throws FormatError naming the file
 * @example
 * ```ts
 * pngHeader(bytes, 'a.png', 100e6); // { width: 16, height: 12 }
 * ```
 */
export function pngHeader(b: Uint8Array, file: string, maxPixels: number): ImageHeader {
  const fail = (reason: string): never => {
    throw new FormatError('png', file, reason);
  };
  if (b.length < 33 || u32(b, 8) !== 13 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') fail('no IHDR chunk after the signature');
  const width = u32(b, 16);
  const height = u32(b, 20);
  const depth = b[24]!;
  const colorType = b[25]!;
  if (width === 0 || height === 0) fail(`${width} × ${height} pixels: an empty image`);
  const bpp = pngBitsPerPixel(colorType, depth) ?? fail(`colour type ${colorType} with bit depth ${depth} is not a valid PNG`);
  if (width * height > maxPixels) fail(`${width} × ${height} pixels exceed maxPixels ${maxPixels}`);
  let idat = 0;
  for (let p = 8; p + 12 <= b.length; ) {
    const len = u32(b, p);
    if (b[p + 4] === 0x49 && b[p + 5] === 0x44 && b[p + 6] === 0x41 && b[p + 7] === 0x54) idat += Math.min(len, b.length - p - 12);
    p += 12 + len;
  }
  const raw = (Math.ceil((width * bpp) / 8) + 1) * height;
  if (raw > DEFLATE_MAX_RATIO * idat + SLACK_PIXELS) {
    fail(`${width} × ${height} pixels need ${raw} bytes of scanlines, more than its ${idat} bytes of IDAT data can hold (deflate expands at most ${DEFLATE_MAX_RATIO}:1)`);
  }
  return { width, height };
}

/**
 * Reads the frame header (SOFn) of a JPEG and checks, before the decoder allocates anything, that
 * the declared size is within `maxPixels` and could come from a file of this size (each 8 × 8 block
 * of a scan costs at least one bit). Returns undefined when no frame header precedes the first scan
 * (the decoder reports that).
 *
 * @throws FormatError naming the file
 * @example
 * ```ts
 * jpegHeader(bytes, 'a.jpg', 100e6); // { width: 16, height: 12 }
 * ```
 */
export function jpegHeader(b: Uint8Array, file: string, maxPixels: number): ImageHeader | undefined {
  for (let p = 2; p + 4 <= b.length; ) {
    if (b[p] !== 0xff) return undefined; // not a marker: the decoder reports it
    const m = b[p + 1]!;
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    if (m === 0xda || m === 0xd9) return undefined; // scan or end before any frame header
    const len = u16(b, p + 2);
    const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (sof && p + 9 <= b.length) {
      const height = u16(b, p + 5);
      const width = u16(b, p + 7);
      const fail = (reason: string): never => {
        throw new FormatError('jpeg', file, reason);
      };
      if (width === 0 || height === 0) fail(`${width} × ${height} pixels: an empty image (or a height defined later, which is not supported)`);
      if (width * height > maxPixels) fail(`${width} × ${height} pixels exceed maxPixels ${maxPixels}`);
      const progressive = m === 0xc2 || m === 0xc6 || m === 0xca || m === 0xce;
      const perByte = progressive ? JPEG_PIXELS_PER_BYTE_PROGRESSIVE : JPEG_PIXELS_PER_BYTE_SEQUENTIAL;
      if (width * height > perByte * b.length + SLACK_PIXELS) {
        fail(`${width} × ${height} pixels cannot be coded in ${b.length} bytes (at least 1 bit per 8 × 8 block${progressive ? '' : ' and scan, 2 in a sequential JPEG'}): a truncated or corrupt file`);
      }
      return { width, height };
    }
    p += 2 + len;
  }
  return undefined;
}
