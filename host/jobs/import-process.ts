/**
 * Entry of the child process that imports into the workspace (forked by host/importer-child.ts). DICOM
 * and dataset imports decode many files; doing it here keeps the host's event loop (the Electron main
 * process, or `lobule serve`) responsive. The host has released the workspace lock for the duration; this
 * process takes it, imports through the workspace's own importer (atomic writes, one manifest commit per
 * case) and releases it again.
 */
import { serializeError } from '../../engine/errors.js';
import { importPaths, type ImportOptions, type ImportReport } from '../../engine/workspace/importer.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { onParentMessage, sendToParent } from './parent-channel.js';

export interface ImportRequest {
  readonly dir: string;
  readonly paths: readonly string[];
  readonly format: NonNullable<ImportOptions['format']>;
  readonly labelMap: readonly (readonly [number, number])[] | null;
  /** See ImportOptions.acceptLabelLikeImages. */
  readonly acceptLabelLikeImages?: boolean;
}

export type ImportReply =
  | { readonly ok: true; readonly report: ImportReport }
  | { readonly ok: false; readonly error: ReturnType<typeof serializeError> };

async function run(req: ImportRequest): Promise<ImportReply> {
  let ws: Workspace | undefined;
  try {
    ws = await Workspace.open(req.dir);
    const report = await importPaths(ws, req.paths, {
      format: req.format,
      labelMap: req.labelMap ? new Map(req.labelMap) : undefined,
      acceptLabelLikeImages: req.acceptLabelLikeImages,
    });
    return { ok: true, report };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  } finally {
    await ws?.close();
  }
}

// Ctrl-C reaches the whole process group: let the import finish its atomic commit; the host decides what stops.
process.on('SIGINT', () => undefined);
let started = false;
onParentMessage((message) => {
  if (started) return;
  started = true;
  void run(message as ImportRequest).then(async (reply) => {
    await sendToParent(reply);
    process.exit(0);
  });
});
