import v8 from 'node:v8';

/**
 * Has V8 compile WebAssembly with its baseline compiler (Liftoff) only, without optimizing hot functions
 * again in the background (TurboFan). For the embedded database: tiering PGlite's module up left ~55 MB of
 * compiler memory in glibc's per-thread arenas for the life of the process (idle RSS 245 → 190 MB,
 * bench/footprint.ts). The cost is CPU inside PGlite: a query that is all computation ran 1.6× as long,
 * the bot's own few-millisecond queries far less. A process-wide V8 flag, read when a module is compiled,
 * so it is set before PGlite (and Prisma's query compiler) are first compiled, in the process entry point
 * only: tests and benches choose for themselves.
 */
export function compileWasmLean(): void {
  v8.setFlagsFromString('--liftoff-only');
}
