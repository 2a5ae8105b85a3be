/**
 * The Electron-only parts that can be checked without the Electron binary: the preload exposes exactly one
 * frozen bridge and refuses non-lobule channels (run against stand-ins for contextBridge / ipcRenderer /
 * webUtils), the window's security settings, `npm start` without a binary, and the packaging config against
 * electron-builder's own schema.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { StandInIpcMain, StandInWebContents, preloadElectron, runPreload } from './fixtures.js';
import { packageRoot } from '../../engine/paths.js';
import { APP_URL, SECURE_WEB_PREFERENCES, isAllowedNavigation } from '../../host/electron/window-policy.js';

const require = createRequire(import.meta.url);

describe('Electron shell', () => {
  it('preload exposes one frozen bridge, window.lobule, that only invokes lobule: channels', async () => {
    const ipcMain = new StandInIpcMain();
    const contents = new StandInWebContents();
    ipcMain.handle('lobule:workspace.status', async (_e, params) => ({ ok: true, value: params }));
    const standIn = preloadElectron(ipcMain, contents);
    const bridge = runPreload(standIn);
    assert.deepEqual(
      standIn.exposed.map((e) => e.key),
      ['lobule'],
    );
    assert.ok(Object.isFrozen(bridge));
    assert.deepEqual(Object.keys(bridge).sort(), ['invoke', 'onEvent', 'pathForFile']);
    assert.deepEqual(await bridge.invoke('lobule:workspace.status', { a: 1 }), { ok: true, value: { a: 1 } });
    for (const bad of [
      'ELECTRON_BROWSER_REQUIRE',
      'lobule:',
      'other:workspace.status',
      'lobule:../x',
      'lobule:a.b/c',
      'lobule-grant:dropped-path',
    ]) {
      await assert.rejects(bridge.invoke(bad, {}), /refused IPC channel/);
    }
    const got: [string, unknown][] = [];
    const stop = bridge.onEvent((event, payload) => got.push([event, payload]));
    contents.send('lobule:event', 'jobs.didProgress', { jobId: 'j' });
    contents.send('other', 'jobs.didProgress', { jobId: 'x' });
    stop();
    contents.send('lobule:event', 'jobs.didProgress', { jobId: 'k' });
    assert.deepEqual(got, [['jobs.didProgress', { jobId: 'j' }]]);
    assert.equal(contents.listeners.size, 0);
  });

  it('window settings isolate and sandbox the page, and navigation stays inside lobule://app', () => {
    assert.equal(SECURE_WEB_PREFERENCES.contextIsolation, true);
    assert.equal(SECURE_WEB_PREFERENCES.sandbox, true);
    assert.equal(SECURE_WEB_PREFERENCES.nodeIntegration, false);
    assert.equal(SECURE_WEB_PREFERENCES.webviewTag, false);
    assert.ok(isAllowedNavigation(APP_URL));
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'lobule://evil/index.html', 'javascript:alert(1)', 'not a url']) {
      assert.equal(isAllowedNavigation(url), false, url);
    }
  });

  it('npm start without an Electron binary says so in one line and starts the browser host instead', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'lobule-start-'));
    const child = spawn(process.execPath, [join(packageRoot(), 'scripts', 'start-electron.mjs'), '--workspace', workspace, '--port', '0'], {
      cwd: packageRoot(),
      env: {
        ...process.env,
        ELECTRON_OVERRIDE_DIST_PATH: join(packageRoot(), '.no-such-electron'),
        LOBULE_ELECTRON_DOWNLOAD: '0',
        PATH: '/nonexistent',
      },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no serve URL within 60 s:\n${stdout}\n${stderr}`)), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (/http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before serving:\n${stderr}`)));
      });
      assert.match(stderr.split('\n')[0], /Electron binary is not available.*starting the browser version/);
    } finally {
      child.kill('SIGTERM');
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('electron-builder.yml is valid for electron-builder and unpacks onnxruntime-node and the models', () => {
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const Ajv = require('ajv') as new (o: object) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown } };
    const config = yaml.load(readFileSync(join(packageRoot(), 'electron-builder.yml'), 'utf8')) as {
      asarUnpack: string[];
      files: string[];
      linux: { target: string[] };
      win: { target: string[] };
      mac: { target: string[] };
    };
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')),
    );
    assert.ok(validate(config), JSON.stringify(validate.errors));
    assert.ok(config.asarUnpack.includes('node_modules/onnxruntime-node/bin/**'));
    assert.ok(config.asarUnpack.includes('assets/models/**'));
    assert.ok(config.files.includes('assets/models/**'));
    assert.deepEqual([config.linux.target, config.win.target, config.mac.target], [['AppImage', 'deb'], ['nsis'], ['dmg']]);
  });
});
