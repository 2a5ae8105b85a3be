/**
 * The Electron window's security settings as data (electron/main.ts applies them; tests read them without
 * Electron). Electron's own security checklist: isolation, sandbox, no Node in the page, no webviews, no
 * navigation away from the app, no new windows, no permissions.
 */
import type { PickPurpose } from '../../engine/api/contract.js';
import { APP_HOST, APP_SCHEME } from '../../engine/api/wire.js';

export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** webPreferences of the Lobule window, minus the preload path. */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
});

/** Privileges of the lobule:// scheme: a standard, secure origin that fetch can read (volume bytes). */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  corsEnabled: false,
  bypassCSP: false,
});

/** In-app navigation (the page reloading itself) is allowed; anything else is blocked. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** What the open dialog offers for each purpose of `dialogs.pick`. */
export function dialogOptionsFor(purpose: PickPurpose): {
  title: string;
  properties: Array<'openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory'>;
  filters?: { name: string; extensions: string[] }[];
} {
  switch (purpose) {
    case 'import-files':
      return {
        title: 'Import CT images',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Volumes', extensions: ['nii', 'gz', 'nrrd', 'nhdr', 'dcm'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
    case 'import-folder':
      return { title: 'Import a DICOM folder or a dataset (MSD, nnU-Net)', properties: ['openDirectory', 'multiSelections'] };
    case 'import-model':
      return { title: 'Import a model package (folder with model.onnx and lobule-model.json)', properties: ['openDirectory'] };
    case 'export-model':
      return { title: 'Export the model package to a folder', properties: ['openDirectory', 'createDirectory'] };
    case 'open-workspace':
      return { title: 'Open a Lobule workspace (or an empty folder for a new one)', properties: ['openDirectory', 'createDirectory'] };
  }
}
