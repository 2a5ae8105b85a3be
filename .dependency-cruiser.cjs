/**
 * Lobule's layers, as data (VS Code's code-layering rule, done with dependency-cruiser). `npm test` runs it
 * (test/lint/boundaries.test.ts) and fails on any violation. The allowed directions:
 *
 *   engine/common  ←  engine/io, engine/volume  ←  engine/inference, workspace, training, models, …
 *     ←  engine/api (the contract)  ←  host/ (service, jobs; host/http, host/electron)  ←  cli/, electron/
 *   renderer/  →  engine/api and engine/common only
 *
 * Why each rule exists is its last field (the rule's `comment`): the message a developer sees when it fails.
 */
const ENGINE_LIBRARY = '^engine/(?!common/|api/)';
const NODE_BUILTINS = { dependencyTypes: ['core'] };

/** [name, from: the files it checks, to: what they must not import (a path pattern or a `to` object), why]. */
const RULES = [
  [
    'common-is-pure',
    '^engine/common/',
    { pathNot: '^(engine/common/|node_modules/zod/|node_modules/@kitware/vtk\\.js/Filters/General/ImageMarchingCubes/caseTable)' },
    'engine/common is shared with the browser bundle: no node:* builtins, no other engine folder, and no npm package but zod ' +
      '(the schema library of the contract, so plans and params validate the same on both sides) and the marching-cubes ' +
      'case table of vtk.js (pure data; the surface metrics derive surfel areas from it).',
  ],
  [
    'engine-is-a-library',
    '^engine/',
    '^(host|cli|electron|renderer|test|bench)/',
    'engine/ knows nothing of its hosts: it never imports host/, cli/, electron/, renderer/, test/ or bench/.',
  ],
  [
    'api-is-the-contract',
    '^engine/api/',
    '^engine/(?!api/|common/|errors\\.ts)',
    'engine/api is imported by the browser bundle: it may use engine/common, engine/errors.ts and zod only.',
  ],
  [
    'browser-code-no-node',
    '^(engine/api|engine/common|renderer)/',
    NODE_BUILTINS,
    'engine/api, engine/common and the renderer run in the browser: no node:* builtins.',
  ],
  [
    'io-below-the-engine',
    '^engine/(io|volume)/',
    '^engine/(inference|training|workspace|models|evaluation|export|onnx)/',
    'engine/io and engine/volume read and shape voxels; they sit below inference, training and the workspace.',
  ],
  [
    'workspace-not-training',
    '^engine/workspace/',
    '^engine/training/',
    'engine/workspace must not depend on training (the split RNG comes from engine/common).',
  ],
  [
    'host-below-its-users',
    '^host/',
    '^(cli|electron|renderer|test|bench)/',
    'host/ serves cli/ and electron/; it never imports them, the renderer or tests.',
  ],
  [
    'renderer-through-the-contract',
    '^renderer/',
    `^(${ENGINE_LIBRARY.slice(1)}|host/|cli/|electron/|test/|bench/)`,
    'The renderer reaches the engine only through engine/api (the contract) and engine/common (pure code).',
  ],
  [
    'bench-not-test',
    '^(bench|tools)/',
    '^test/',
    'Benchmarks must not depend on test code (what both drive, e.g. Chromium and lobule serve, lives in tools/).',
  ],
];

/** Pairs of sibling folders that never import each other (nor `alsoNot`): one rule each way, named `a-not-b`. */
const SIBLINGS = [
  {
    folders: { http: 'host/http/', electron: 'host/electron/' },
    alsoNot: [],
    why: 'The HTTP and Electron bindings are siblings: neither imports the other.',
  },
  {
    folders: { cli: 'cli/', electron: 'electron/' },
    alsoNot: ['renderer/', 'test/', 'bench/'],
    why: 'cli/ and electron/ are two front doors to host/; neither imports the other or the renderer.',
  },
];

const siblingRules = SIBLINGS.flatMap(({ folders, alsoNot, why }) => {
  const [[a, aDir], [b, bDir]] = Object.entries(folders);
  const apart = (name, from, other) => [name, `^${from}`, `^(${[other, ...alsoNot].join('|')})`, why];
  return [apart(`${a}-not-${b}`, aDir, bDir), apart(`${b}-not-${a}`, bDir, aDir)];
});

module.exports = {
  forbidden: [...RULES, ...siblingRules].map(([name, from, to, why]) => ({
    name,
    comment: why,
    severity: 'error',
    from: { path: from },
    to: typeof to === 'string' ? { path: to } : to,
  })),
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.svelte'] },
  },
};
