/**
 * Lobule's Electron main process: a thin, locked-down shell around the same host the CLI serves.
 * - One window, loading lobule://app/index.html (a privileged custom scheme served by handleAppRequest: the
 *   built renderer, and workspace volumes by id only). Settings: host/electron/window-policy.ts.
 * - The contract over IPC: the handler table of host/electron/ipc-handlers.ts, which checks the sending frame on
 *   every call; the preload exposes only that (electron/preload/preload.ts).
 * - Navigation, new windows, webviews and permission requests are refused.
 * - Files enter only through the open dialog (dialogs.pick) or drag-and-drop (preload pathForFile), and are then
 *   imported into the workspace; jobs run in child processes (host/jobs).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeError } from '../engine/errors.js';
import { rendererDistDir } from '../engine/paths.js';
import { rendererIndexExists } from '../host/static-files.js';
import { createIpcHandlerTable, forwardEvents, handleAppRequest, registerIpcHandlers } from '../host/electron/ipc-handlers.js';
import { APP_SCHEME } from '../engine/api/wire.js';
import { defaultWorkspaceDir, openOrCreateWorkspace } from '../host/open-workspace.js';
import { LobuleService } from '../host/service.js';
import { PathGrants } from '../host/path-grants.js';
import { recentWorkspaces } from '../host/user-config.js';
import {
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  SECURE_WEB_PREFERENCES,
  dialogOptionsFor,
  isAllowedNavigation,
} from '../host/electron/window-policy.js';
import type { Workspace } from '../engine/workspace/workspace.js';

const here = dirname(fileURLToPath(import.meta.url));
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
app.enableSandbox();

function workspaceArg(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--workspace');
  return i >= 0 ? argv[i + 1] : undefined;
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

async function start(): Promise<void> {
  if (!(await rendererIndexExists(rendererDistDir()))) {
    dialog.showErrorBox(
      'Lobule is not built',
      `${rendererDistDir()} is missing. Run \`npm run build\` (or \`npm start\`, which builds first).`,
    );
    app.exit(1);
    return;
  }
  let workspace: Workspace;
  try {
    const named = workspaceArg(process.argv);
    workspace = (await openOrCreateWorkspace(named ?? defaultWorkspaceDir(), { byDefault: named === undefined })).workspace;
  } catch (e) {
    const err = serializeError(e);
    dialog.showErrorBox('Lobule cannot open the workspace', err.message);
    app.exit(1);
    return;
  }
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'Lobule',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(here, 'preload', 'preload.js') },
  });
  const service = new LobuleService(workspace, {
    host: 'electron',
    pickPaths: async (purpose) => {
      const result = await dialog.showOpenDialog(window, dialogOptionsFor(purpose));
      return result.canceled ? [] : result.filePaths;
    },
  });

  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(service, rendererDistDir(), request));
  const grants = new PathGrants();
  // The workspace picker reopens recent workspaces: folders the user chose before, so they count as granted.
  for (const r of await recentWorkspaces()) grants.grant(r.path);
  const unregister = registerIpcHandlers(ipcMain, createIpcHandlerTable(service, grants), grants);
  const stopEvents = forwardEvents(service, window.webContents);

  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_URL);

  app.once('window-all-closed', () => {
    stopEvents();
    unregister();
    void service
      .close()
      .then(() => service.workspace.close()) // the one open now (workspace.open may have switched)
      .finally(() => app.quit());
  });
}

// One app per user: a second launch focuses the first window (two would fight over the workspace lock).
if (!app.requestSingleInstanceLock()) app.exit(0);
app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});
app.on('web-contents-created', (_event, contents) => lockDown(contents));
app.whenReady().then(start, (e: unknown) => {
  console.error('lobule: Electron failed to start', e);
  app.exit(1);
});
