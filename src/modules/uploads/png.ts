import { crc32, deflateSync } from 'node:zlib';

// A minimal PNG writer (RGB, 8 bits per channel) over node:zlib: the map thumbnail needs no
// more, and a dependency for it would be a native or a large one.

export class Raster {
  readonly width: number;
  readonly height: number;
  /** RGB triples, row by row. */
  readonly pixels: Uint8Array;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.pixels.set(background, i * 3);
  }

  /** Blends `color` over the pixel with `alpha` (0..1); outside the raster does nothing. */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const at = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) {
      const old = this.pixels[at + c]!;
      this.pixels[at + c] = Math.round(old + (color[c]! - old) * Math.min(alpha, 1));
    }
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++)
      for (let i = Math.max(0, x); i < Math.min(this.width, x + w); i++)
        this.blend(i, j, color, alpha);
  }

  /**
   * Fills the points where `inside(x, y)` holds within a box, sampled 4×4 per pixel so edges
   * are smooth.
   */
  fillShape(
    box: { x0: number; y0: number; x1: number; y1: number },
    inside: (x: number, y: number) => boolean,
    color: Rgb,
    alpha = 1,
  ): void {
    for (let y = Math.floor(box.y0); y <= Math.ceil(box.y1); y++) {
      for (let x = Math.floor(box.x0); x <= Math.ceil(box.x1); x++) {
        let hits = 0;
        for (let sy = 0; sy < 4; sy++)
          for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++;
        if (hits) this.blend(x, y, color, (alpha * hits) / 16);
      }
    }
  }

  toPng(): Buffer {
    const row = this.width * 3 + 1;
    const raw = Buffer.alloc(row * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * row] = 0; // filter: none
      raw.set(this.pixels.subarray(y * this.width * 3, (y + 1) * this.width * 3), y * row + 1);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter set, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

export type Rgb = readonly [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
