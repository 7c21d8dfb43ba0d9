// A fixture for the sourcemap processor's tests: minified by esbuild, thrown in Node (V8).
export interface Line {
  sku: string;
  price: number;
  qty: number;
}

export function priceOf(line: Line): number {
  if (line.qty < 0) {
    throw new RangeError(`bad quantity ${line.qty} for line ${line.sku}`);
  }
  return line.price * line.qty;
}

export function totalOf(lines: Line[]): number {
  let sum = 0;
  for (const line of lines) sum += priceOf(line);
  return sum;
}
