/**
 * Lobule's layers, as data (VS Code's code-layering rule, done with dependency-cruiser). `npm test` runs it
 * (test/lint/boundaries.test.ts) and fails on any violation. The allowed directions:
 *
 *   engine/common  ←  engine/io, engine/volume  ←  engine/inference, workspace, training, models, …
 *     ←  engine/api (the contract)  ←  host/ (service, jobs; host/http, host/electron)  ←  cli/, electron/
 *   renderer/  →  engine/api and engine/common only
 *
 * Why each rule exists is in its `comment`: the message a developer sees when it fails.
 */
const ENGINE_LIBRARY = '^engine/(?!common/|api/)';

module.exports = {
  forbidden: [
    {
      name: 'common-is-pure',
      comment:
        'engine/common is shared with the browser bundle: no node:* builtins, no other engine folder, and no npm package but zod ' +
        '(the schema library of the contract, so plans and params validate the same on both sides) and the marching-cubes ' +
        'case table of vtk.js (pure data; the surface metrics derive surfel areas from it).',
      severity: 'error',
      from: { path: '^engine/common/' },
      to: { pathNot: '^(engine/common/|node_modules/zod/|node_modules/@kitware/vtk\\.js/Filters/General/ImageMarchingCubes/caseTable)' },
    },
    {
      name: 'engine-is-a-library',
      comment: 'engine/ knows nothing of its hosts: it never imports host/, cli/, electron/, renderer/, test/ or bench/.',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: '^(host|cli|electron|renderer|test|bench)/' },
    },
    {
      name: 'api-is-the-contract',
      comment: 'engine/api is imported by the browser bundle: it may use engine/common, engine/errors.ts and zod only.',
      severity: 'error',
      from: { path: '^engine/api/' },
      to: { path: '^engine/(?!api/|common/|errors\\.ts)' },
    },
    {
      name: 'api-no-node',
      comment: 'engine/api is imported by the browser bundle: no node:* builtins.',
      severity: 'error',
      from: { path: '^engine/(api|common)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'io-below-the-engine',
      comment: 'engine/io and engine/volume read and shape voxels; they sit below inference, training and the workspace.',
      severity: 'error',
      from: { path: '^engine/(io|volume)/' },
      to: { path: '^engine/(inference|training|workspace|models|evaluation|export|onnx)/' },
    },
    {
      name: 'workspace-not-training',
      comment: 'engine/workspace must not depend on training (the split RNG comes from engine/common).',
      severity: 'error',
      from: { path: '^engine/workspace/' },
      to: { path: '^engine/training/' },
    },
    {
      name: 'host-below-its-users',
      comment: 'host/ serves cli/ and electron/; it never imports them, the renderer or tests.',
      severity: 'error',
      from: { path: '^host/' },
      to: { path: '^(cli|electron|renderer|test|bench)/' },
    },
    {
      name: 'host-bindings-apart',
      comment: 'The HTTP and Electron bindings are siblings: neither imports the other.',
      severity: 'error',
      from: { path: '^host/http/' },
      to: { path: '^host/electron/' },
    },
    {
      name: 'host-bindings-apart-2',
      comment: 'The HTTP and Electron bindings are siblings: neither imports the other.',
      severity: 'error',
      from: { path: '^host/electron/' },
      to: { path: '^host/http/' },
    },
    {
      name: 'renderer-through-the-contract',
      comment: 'The renderer reaches the engine only through engine/api (the contract) and engine/common (pure code).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: `^(${ENGINE_LIBRARY.slice(1)}|host/|cli/|electron/|test/|bench/)` },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs in a browser: no node:* builtins.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-not-electron',
      comment: 'cli/ and electron/ are two front doors to host/; neither imports the other or the renderer.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(electron|renderer|test|bench)/' },
    },
    {
      name: 'electron-not-cli',
      comment: 'cli/ and electron/ are two front doors to host/; neither imports the other or the renderer.',
      severity: 'error',
      from: { path: '^electron/' },
      to: { path: '^(cli|renderer|test|bench)/' },
    },
    {
      name: 'bench-not-test',
      comment: 'Benchmarks must not depend on test code (what both drive, e.g. Chromium and lobule serve, lives in tools/).',
      severity: 'error',
      from: { path: '^(bench|tools)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.svelte'] },
  },
};
