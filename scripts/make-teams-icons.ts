/**
 * Draws the two Teams app icons and writes them next to the manifest:
 *   manifests/teams/color.png    192×192, white speech bubble with "PO" on the accent colour
 *   manifests/teams/outline.png   32×32, the same glyph in white on transparent (pixels are opaque white or fully transparent)
 * Run: npx tsx scripts/make-teams-icons.ts — then commit both files. Uses node:zlib only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/** manifest.json's accentColor; the colour icon's background. */
export const ACCENT = { r: 0x3b, g: 0x5b, b: 0xdb };

export interface Icon {
  width: number;
  height: number;
  /** width × height pixels, 4 bytes each (R, G, B, A), row by row. */
  rgba: Uint8Array;
}

type Rect = readonly [x0: number, y0: number, x1: number, y1: number];

// The glyph on a 32×32 grid (the outline icon's pixels; ×6 for the colour icon): a speech bubble with the
// letters "P" and "O" cut out of it. Letters are rectangles so that they land on whole pixels at 32×32.
const BUBBLE: Rect = [3, 5, 29, 23];
const BUBBLE_RADIUS = 4;
const TAIL = [[8, 22], [14, 22], [7, 28]] as const;
const LETTERS: Rect[] = [
  // P: stem, top bar, middle bar, right side of the bowl
  [8, 9, 10, 19],
  [8, 9, 15, 11],
  [8, 13, 15, 15],
  [13, 9, 15, 15],
  // O: four sides of a ring
  [17, 9, 24, 11],
  [17, 17, 24, 19],
  [17, 9, 19, 19],
  [22, 9, 24, 19],
];

const inRect = (x: number, y: number, [x0, y0, x1, y1]: Rect) => x >= x0 && x < x1 && y >= y0 && y < y1;

function inRoundedRect(x: number, y: number, rect: Rect, radius: number): boolean {
  if (!inRect(x, y, rect)) return false;
  const [x0, y0, x1, y1] = rect;
  const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inTriangle(x: number, y: number, [a, b, c]: typeof TAIL): boolean {
  const side = (p: readonly number[], q: readonly number[]) => (q[0]! - p[0]!) * (y - p[1]!) - (q[1]! - p[1]!) * (x - p[0]!);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
}

/** Whether a point of the 32×32 grid is white (inside the bubble, outside the letters). */
function inGlyph(x: number, y: number): boolean {
  const bubble = inRoundedRect(x, y, BUBBLE, BUBBLE_RADIUS) || inTriangle(x, y, TAIL);
  return bubble && !LETTERS.some((letter) => inRect(x, y, letter));
}

/** A size×size icon; paint turns each pixel's glyph coverage (0..1, from samples² points in the pixel) into RGBA. */
function render(size: number, samples: number, paint: (coverage: number) => readonly [number, number, number, number]): Icon {
  const scale = 32 / size;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (inGlyph((px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale)) hits++;
        }
      }
      rgba.set(paint(hits / samples ** 2), (py * size + px) * 4);
    }
  }
  return { width: size, height: size, rgba };
}

export function drawTeamsIcons(): { color: Icon; outline: Icon } {
  const mix = (from: number, coverage: number) => Math.round(from + (255 - from) * coverage);
  const color = render(192, 4, (c) => [mix(ACCENT.r, c), mix(ACCENT.g, c), mix(ACCENT.b, c), 255]);
  // One sample per pixel: every pixel is opaque white or fully transparent, as Teams requires of the outline icon.
  const outline = render(32, 1, (c) => [255, 255, 255, c === 1 ? 255 : 0]);
  return { color, outline };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** An 8-bit RGBA PNG (colour type 6), every scanline with filter type 0 (None). */
export function encodePng({ width, height, rgba }: Icon): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

function main(): void {
  const dir = path.resolve(import.meta.dirname, '../manifests/teams');
  const { color, outline } = drawTeamsIcons();
  for (const [name, icon] of [['color.png', color], ['outline.png', outline]] as const) {
    const file = path.join(dir, name);
    writeFileSync(file, encodePng(icon));
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${icon.width}×${icon.height})\n`);
  }
}

if (process.argv[1] === import.meta.filename) main();
