// Builds the renderer into dist/renderer for `lobule serve` and Electron. Settings follow
// ../shared/notes/renderer-in-chromium.md: vtk.js needs the `events` shim; the tools' statistics worker needs its
// CommonJS deps pre-bundled in dev; ES workers are safe.
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * main.ts starts the reopened case's downloads and only then imports the app (app/boot.ts, ~4.4 MB). Without a
 * hint the browser would request that chunk only once main.ts has run; this lets it load beside main.ts.
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'lobule-preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/app/boot.ts'));
        if (!chunk) throw new Error('preloadAppChunk: no chunk for src/app/boot.ts');
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte(), preloadAppChunk()],
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
