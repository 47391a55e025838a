import { inflateSync } from 'node:zlib'

/** A decoded 8-bit PNG: `rgb(x, y)` reads one pixel (alpha, if any, dropped). */
export interface Png {
  width: number
  height: number
  rgb(x: number, y: number): [number, number, number]
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** Bytes per pixel of the 8-bit colour types a browser writes: grey, RGB, grey+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 }

/**
 * Decodes a non-interlaced 8-bit PNG (what Chromium's --screenshot writes) with node's zlib: the IDAT
 * chunks inflated, each scanline unfiltered (None, Sub, Up, Average, Paeth). Throws on anything else.
 */
export function decodePng(file: Buffer): Png {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (bad signature)')
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at)
    const type = file.toString('latin1', at + 4, at + 8)
    const data = file.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const [depth, colour, , , interlace] = data.subarray(8, 13)
      channels = CHANNELS[colour!] ?? 0
      if (depth !== 8 || !channels || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`)
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const out = pixels.subarray(y * stride, (y + 1) * stride)
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride)
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0
      const b = prev[i]!
      const c = i >= channels ? prev[i - channels]! : 0
      const x = line[i]!
      if (filter === 0) out[i] = x
      else if (filter === 1) out[i] = x + a
      else if (filter === 2) out[i] = x + b
      else if (filter === 3) out[i] = x + ((a + b) >> 1)
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        out[i] = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
      } else throw new Error(`bad PNG filter ${filter} on row ${y}`)
    }
  }
  return {
    width,
    height,
    rgb(x, y) {
      const i = y * stride + x * channels
      return channels < 3 ? [pixels[i]!, pixels[i]!, pixels[i]!] : [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!]
    },
  }
}
