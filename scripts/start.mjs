/**
 * `npm start`: strips the types from src/ into dist/ with esbuild (what tsx did on every start, file by
 * file, but ahead of time), then runs dist/main.js in this same process. Running the TypeScript through
 * tsx's loader cost ~75 MB of RSS for the whole life of the process (bench/footprint.ts); this step
 * costs a fraction of a second per start and nothing afterwards. Types are checked by `npm run typecheck`.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist');
// The playground's page is browser code, built by Vite into dist/playground/.
const BROWSER_CODE = path.join(SRC, 'adapters', 'playground', 'web');

const entryPoints = (await readdir(SRC, { recursive: true }))
  .map((f) => path.join(SRC, f))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith(BROWSER_CODE + path.sep));

const { outputFiles } = await build({
  entryPoints,
  outdir: OUT,
  outbase: SRC,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
});
await stop();

// Only changed files are written, each by a rename: another po-desk starting from the same checkout
// may be importing these files right now, and must never read one half-written.
for (const file of outputFiles) {
  const current = await readFile(file.path).catch(() => undefined);
  if (current?.equals(file.contents)) continue;
  await mkdir(path.dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
}
// Stack traces in the log name the TypeScript lines, as they did under tsx.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(OUT, 'main.js')).href);
