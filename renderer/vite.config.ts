// Builds the renderer into dist/renderer for `lobule serve` and Electron. Settings follow
// ../shared/notes/renderer-in-chromium.md: vtk.js needs the `events` shim; the tools' statistics worker needs its
// CommonJS deps pre-bundled in dev; ES workers are safe.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  resolve: { alias: { events: 'events' } },
  optimizeDeps: {
    include: ['lodash.get', 'fast-deep-equal', 'seedrandom', 'spark-md5', 'utif', 'lodash.clonedeep', 'loglevel', 'events'],
  },
  worker: { format: 'es' },
  build: {
    outDir: join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  server: { fs: { allow: [join(here, '..')] } },
});
