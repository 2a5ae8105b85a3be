import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

// ONNX Runtime keeps telemetry off by itself when it sees a CI service's variable; the child gets an environment
// without them, so these tests check Lobule's own opt-out, on a developer's machine and in CI alike.
const CI_VARIABLES = [
  'CI',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'TF_BUILD',
  'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
  'JENKINS_URL',
  'TRAVIS',
  'CIRCLECI',
  'BUILDKITE',
  'TEAMCITY_VERSION',
  'APPVEYOR',
  'BITBUCKET_BUILD_NUMBER',
  'CODEBUILD_BUILD_ID',
  'ORT_RUNNING_UNIT_TESTS',
];

function userEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of CI_VARIABLES) delete env[name];
  return env;
}

// Runs an ONNX session in a fresh process (ORT's environment is created once per process) and says whether
// ONNX Runtime's telemetry SDK started, which it shows by writing /tmp/mat-debug-<pid>.log.
function telemetryStartedInChild(env: NodeJS.ProcessEnv): boolean {
  const script = `
    import * as ort from './engine/onnx/ort.js';
    import { OnnxGraph } from './engine/onnx/graph.js';
    const g = new OnnxGraph();
    g.input('x', 'float32', [1]);
    g.op('Relu', ['x'], {}, 'y');
    g.output('y', 'float32', [1]);
    await ort.InferenceSession.create(g.toBytes());
    console.log(process.pid);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: packageRoot(),
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const log = join(tmpdir(), `mat-debug-${r.stdout.trim()}.log`);
  const started = existsSync(log);
  rmSync(log, { force: true });
  return started;
}

test('Lobule loads ONNX Runtime with its telemetry switched off (no usage upload, no /tmp/mat-debug log)', () => {
  const env = userEnvironment({});
  delete env.ORT_DISABLE_TELEMETRY;
  assert.equal(telemetryStartedInChild(env), false);
});

test('the check can see telemetry: with the opt-out explicitly set to 0, ONNX Runtime starts it', () => {
  assert.equal(telemetryStartedInChild(userEnvironment({ ORT_DISABLE_TELEMETRY: '0' })), true);
});
