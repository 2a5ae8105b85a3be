/**
 * Builds the workstation's states once and wires the few flows that span them (the model picker follows the
 * active model; the brush writes into the open case). Each state reaches components through its own context
 * (context.ts), so a panel depends only on what it uses.
 */
import type { LobuleApi } from '../../../engine/api/contract.js';
import { AutoSegment } from '../edit/autoSegment.svelte.js';
import type { EarlyCase } from '../edit/caseFetch.js';
import { BrushController } from '../edit/brushController.js';
import { EditActions } from '../edit/editActions.js';
import { EditTools } from '../edit/editTools.svelte.js';
import { DatasetView } from '../panels/dataset.svelte.js';
import { TrainingState } from '../panels/training.svelte.js';
import { ViewerState } from '../viewer/viewerState.svelte.js';
import { loadViewerPrefs } from '../viewer/viewerPrefs.js';
import { CaseState } from './caseState.svelte.js';
import { Messages } from './messages.svelte.js';
import { UiState } from './ui.svelte.js';
import { WorkspaceState } from './workspace.svelte.js';

export interface Workstation {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly ui: UiState;
  readonly workspace: WorkspaceState;
  readonly viewer: ViewerState;
  readonly tools: EditTools;
  readonly cases: CaseState;
  readonly segmenter: AutoSegment;
  readonly edits: EditActions;
  readonly brush: BrushController;
  readonly training: TrainingState;
  readonly dataset: DatasetView;
}

export function createWorkstation(api: LobuleApi, early: EarlyCase | null = null): Workstation {
  const messages = new Messages();
  const ui = new UiState();
  const workspace = new WorkspaceState(api, messages);
  const viewer = new ViewerState();
  viewer.onError = (e, what) => messages.error(e, what);
  const tools = new EditTools((tool) => viewer.followTool(tool));
  tools.radiusMm = loadViewerPrefs().brushRadiusMm ?? tools.radiusMm;
  const cases = new CaseState({ api, messages, ui, workspace, viewer, early });
  const segmenter = new AutoSegment(api);
  workspace.onModels = (models, previousActive) => {
    // The picker follows the active model unless the user picked another one for this run.
    const picked = segmenter.modelId;
    if (picked === null || picked === previousActive || !models.some((m) => m.id === picked)) {
      segmenter.modelId = models.find((m) => m.active)?.id ?? models[0]?.id ?? null;
    }
  };
  const brush = new BrushController({
    viewer: viewer.engine,
    tools,
    editor: () => cases.session?.editor,
    strokeEnded: () => cases.session?.changed(),
    cursor: (view, at) => (viewer.cursor = at ? { view, ...at } : null),
  });
  return {
    api,
    messages,
    ui,
    workspace,
    viewer,
    tools,
    cases,
    segmenter,
    edits: new EditActions({ api, messages, workspace, cases, viewer, tools, segmenter }),
    brush,
    training: new TrainingState(api, messages, workspace),
    dataset: new DatasetView(),
  };
}

/** Loads the workspace and reopens the last case (or the first one). */
export async function startWorkstation(ws: Workstation): Promise<void> {
  try {
    const { info, cases, models } = await ws.workspace.load();
    const first = cases.find((c) => c.id === info.reopenCase);
    if (first) await ws.cases.openCase(first.id);
    await models;
  } catch (e) {
    ws.messages.error(e, 'Loading the workspace');
  }
}
