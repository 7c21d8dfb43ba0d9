// Product hero images, generated at build time: photo-like landscapes (gradient sky, ridge lines,
// fine grain). They must carry real information: Chromium leaves low-entropy images (flat colours,
// plain gradients) out of LCP, and the hero is meant to be the product page's LCP element.
import { encodeRgbPng } from '../../scripts/lib/png.mjs';
import { random } from '../../scripts/lib/random.mjs';

/** Share of pixels with film grain: some texture, at a size a 3G visitor can load (~70 kB). */
const GRAIN = 0.03;

const clamp = (v) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

/** RGB of a hue (0..360) at a lightness (0..1), saturation fixed. */
function hsl(h, l, s = 0.55) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

/** A landscape PNG: `hue` tints the scene, `seed` shapes the ridges and grain. */
export function heroPng({ width = 800, height = 350, hue = 200, seed = 1 } = {}) {
  const rnd = random(seed);
  const ridges = Array.from({ length: 3 }, (_, i) => ({
    base: height * (0.45 + i * 0.15),
    waves: Array.from({ length: 4 }, () => ({
      amp: 6 + rnd() * 28,
      freq: (1 + rnd() * 6) / width,
      phase: rnd() * Math.PI * 2,
    })),
    light: 0.42 - i * 0.12,
  }));
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  const row = new Uint8Array(width * 3);
  const prev = new Uint8Array(width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let rgb = hsl((hue + 20) % 360, 0.82 - (0.3 * y) / height, 0.5);
      for (const r of ridges) {
        let top = r.base;
        for (const w of r.waves) top += w.amp * Math.sin(x * w.freq * Math.PI * 2 + w.phase);
        if (y >= top) rgb = hsl(hue, r.light + ((y - top) / height) * 0.15);
      }
      const grain = rnd() < GRAIN ? (rnd() - 0.5) * 12 : 0;
      row[x * 3] = clamp(rgb[0] + grain);
      row[x * 3 + 1] = clamp(rgb[1] + grain);
      row[x * 3 + 2] = clamp(rgb[2] + grain);
    }
    // PNG filter 2 ("up"): smooth vertical gradients compress well
    raw[y * stride] = 2;
    for (let i = 0; i < row.length; i++) raw[y * stride + 1 + i] = (row[i] - prev[i]) & 0xff;
    prev.set(row);
  }
  return encodeRgbPng(width, height, raw);
}
