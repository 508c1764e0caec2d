import { ConfigError, readConfig } from './config.js';
import { createLogger } from './logger.js';
import { startPoDesk } from './start.js';
import { DataDirInUseError } from './store/data-dir-lock.js';
import { compileWasmLean } from './store/lean-wasm.js';

let config;
try {
  config = readConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`po-desk: configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

if (config.database.kind === 'pglite') compileWasmLean();

// People reading a terminal get readable lines; everything else (files, log shippers) gets JSON.
const log = createLogger(config.logLevel, undefined, process.stdout.isTTY && config.env !== 'production');
const running = await startPoDesk(config, { log }).catch((error: unknown) => {
  // A setting or a situation the person can fix gets one line, like a configuration error.
  if (error instanceof DataDirInUseError) process.stderr.write(`po-desk: cannot start: ${error.message}\n`);
  else if (error instanceof ConfigError) process.stderr.write(`po-desk: configuration error: ${error.message}\n`);
  else log.fatal({ err: error }, 'po-desk could not start');
  process.exit(1);
});

// Starting leaves ~10 MB of garbage behind (modules' top-level work, the database's opening, a first start's
// demo seed), which V8's memory reducer gives back only after seconds of idling: RSS read 152-154 MB for
// the first 4 s after ready, then 142-145 MB (bench/footprint.ts reads it 5 s after ready). With npm
// start's `--expose-gc` it is collected once, here, and an idle po-desk holds ~145 MB from the start.
(globalThis as { gc?: () => void }).gc?.();

let shuttingDown = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
