// Bundle size (min+gzip) per entry point, checked against the committed budget in budget.json.
// Exits non-zero when an entry point is over its budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export function gzipSize(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

export function checkBudgets() {
  const budget = JSON.parse(readFileSync(new URL('../budget.json', import.meta.url), 'utf8'));
  const rows = Object.entries(budget.gzipBytes).map(([file, limit]) => {
    const size = gzipSize(file);
    return { file, size, limit, ok: size <= limit };
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = checkBudgets();
  for (const r of rows) {
    console.log(
      `${r.ok ? 'ok  ' : 'OVER'} ${r.file}: ${r.size} B gzip (budget ${r.limit} B, ${((100 * r.size) / r.limit).toFixed(1)}%)`,
    );
  }
  if (rows.some((r) => !r.ok)) process.exit(1);
}
