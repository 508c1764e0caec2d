/**
 * Run by `npm install` (postinstall): builds the embedded database's template, so that the first `npm start`
 * on a new DATA_DIR copies a migrated database instead of running initdb and every migration
 * (src/store/pglite-template.ts). Failing here must not fail the install: po-desk then starts the long way.
 */
import { buildPgliteTemplate, defaultPgliteTemplate } from '../src/store/pglite-template.js';

const dir = defaultPgliteTemplate();
try {
  if (dir === undefined) throw new Error('cannot read the installed PGlite version');
  await buildPgliteTemplate(dir);
  console.log(`po-desk: embedded database template built in ${dir}`);
} catch (error) {
  console.warn(`po-desk: could not build the embedded database template (the first start will take longer): ${(error as Error).message}`);
}
