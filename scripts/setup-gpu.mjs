#!/usr/bin/env node
// `npm run setup:gpu`: installs ONNX Runtime's GPU execution provider files for this machine.
//
// onnxruntime-node ships its CPU build in the npm package. On Linux x64 the CUDA provider libraries
// (libonnxruntime_providers_cuda.so, _shared.so, _tensorrt.so) are too big for npm, so its own install script
// (node_modules/onnxruntime-node/script/install.js) fetches them from NuGet when asked for the `cuda12`
// manifest. Lobule's .npmrc sets `ignore-scripts=true` so a plain `npm install` never downloads
// them; this script runs that install script once with ONNXRUNTIME_NODE_INSTALL=cuda12, which takes precedence
// over the npm config value.
//
// What the GPU still needs (not installed by this script): an NVIDIA driver, and the CUDA 12 runtime and
// cuDNN 9 libraries on the library path (e.g. from the NVIDIA CUDA/cuDNN packages of your distribution, or
// `pip install nvidia-cuda-runtime-cu12 nvidia-cublas-cu12 nvidia-cudnn-cu12` with LD_LIBRARY_PATH set).
// Windows (DirectML) and macOS (CoreML) need nothing: those providers ship inside onnxruntime-node.
// Then: `lobule segment IN -o OUT --device cuda` (or `--device auto`, which falls back to CPU with one line).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const platform = `${process.platform}/${process.arch}`;

function ortRoot() {
  try {
    return dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    console.error('setup:gpu: onnxruntime-node is not installed; run `npm install` first.');
    process.exit(1);
  }
}

if (process.platform === 'win32') {
  console.log('setup:gpu: nothing to install: DirectML ships with onnxruntime-node on Windows. Use --device dml (or auto).');
  process.exit(0);
}
if (process.platform === 'darwin') {
  console.log('setup:gpu: nothing to install: CoreML ships with onnxruntime-node on macOS. Use --device coreml (or auto).');
  process.exit(0);
}
if (platform !== 'linux/x64') {
  console.error(`setup:gpu: onnxruntime-node has no GPU build for ${platform}; Lobule runs on the CPU here.`);
  process.exit(1);
}

const root = ortRoot();
const binDir = join(root, 'bin', 'napi-v6', 'linux', 'x64');
const wanted = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
if (wanted.every((f) => existsSync(join(binDir, f))) && !process.argv.includes('--force')) {
  console.log(`setup:gpu: the CUDA provider is already installed in ${binDir} (--force reinstalls).`);
  process.exit(0);
}

console.log('setup:gpu: downloading the ONNX Runtime CUDA 12 provider (NuGet, several hundred MB)…');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
delete env.npm_config_onnxruntime_node_install;
const result = spawnSync(process.execPath, [join(root, 'script', 'install.js')], { cwd: root, env, stdio: 'inherit' });
const installed = wanted.every((f) => existsSync(join(binDir, f)));
if (result.status !== 0 || !installed) {
  console.error(
    'setup:gpu: the download failed (see above). Lobule keeps working on the CPU; retry when NuGet (api.nuget.org) is reachable.',
  );
  process.exit(1);
}
console.log(
  `setup:gpu: installed into ${binDir}. It also needs the NVIDIA driver plus the CUDA 12 and cuDNN 9 runtime libraries on the ` +
    `library path.`,
);
console.log('setup:gpu: try it with `lobule segment IN -o OUT.nii.gz --device cuda`.');
