import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run build:web` builds the playground page into <repo>/dist/playground. The po-desk server
// serves index.html at `/` and this folder at `/playground/`.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/playground/',
  build: {
    outDir: here('../../../../dist/playground'),
    emptyOutDir: true,
  },
  server: {
    // `npx vite --config src/adapters/playground/web/vite.config.ts` while po-desk runs on :3000.
    proxy: { '/playground/api': 'http://localhost:3000' },
  },
});
