/**
 * `npm start`: strips the types from src/ into dist/ with esbuild (what tsx did on every start, file by
 * file, but ahead of time), then runs dist/main.js in this same process. Running the TypeScript through
 * tsx's loader cost ~75 MB of RSS for the whole life of the process (bench/footprint.ts); this step
 * costs a fraction of a second, and is skipped when no source file changed since the last start (it was
 * ~250 ms of every start). Types are checked by `npm run typecheck`.
 */
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist');
// The playground's page is browser code, built by Vite into dist/playground/.
const BROWSER_CODE = path.join(SRC, 'adapters', 'playground', 'web');

const entryPoints = (await readdir(SRC, { recursive: true }))
  .map((f) => path.join(SRC, f))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith(BROWSER_CODE + path.sep))
  .sort();

const BUILD_OPTIONS = {
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // For --enable-source-maps (below): only the mappings, as the sources are beside them in src/.
  sourcemap: 'linked',
  sourcesContent: false,
};

// What dist/ was last built from: each source file's name and modification time, esbuild's version and its options.
const STAMP = path.join(OUT, '.build-stamp');
const esbuildVersion = JSON.parse(await readFile(path.join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
const sources = JSON.stringify({
  esbuild: esbuildVersion,
  options: BUILD_OPTIONS,
  files: await Promise.all(entryPoints.map(async (f) => [path.relative(SRC, f), (await stat(f)).mtimeMs])),
});
if ((await readFile(STAMP, 'utf8').catch(() => undefined)) !== sources) await buildDist();

// Stack traces in the log name dist/'s lines, which follow src/ closely. With source maps on, Node holds
// the map of every module it loads, PGlite's too: ~4.5 MB of heap for the life of the process
// (bench/footprint.ts). `NODE_OPTIONS=--enable-source-maps npm start` names the TypeScript lines.
await import(pathToFileURL(path.join(OUT, 'main.js')).href);

async function buildDist() {
  const { build, stop } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints,
    outdir: OUT,
    outbase: SRC,
    ...BUILD_OPTIONS,
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
  // Last, and by a rename too: a build cut short is redone at the next start.
  const temporary = `${STAMP}.${process.pid}.tmp`;
  await writeFile(temporary, sources);
  await rename(temporary, STAMP);
}
