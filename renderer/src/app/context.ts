/**
 * Typed contexts: each state a component needs is provided on its own, so a panel depends only on what it
 * reads. To add a state of your own: write a `.svelte.ts` class, add one line here
 * (`export const [useThing, provideThing] = createContext<Thing>();`), construct it and call `provideThing(...)`
 * in App.svelte (or in the component that owns it), add it to the table of app/states.ts, then
 * `const { thing, ui } = useStates();` in your components.
 */
import { createContext } from 'svelte';
import type { LobuleApi } from '../../../engine/api/contract.js';
import type { AutoSegment } from '../edit/autoSegment.svelte.js';
import type { BrushController } from '../edit/brushController.js';
import type { EditActions } from '../edit/editActions.js';
import type { EditTools } from '../edit/editTools.svelte.js';
import type { SegmentEditor } from '../edit/segmentEditor.svelte.js';
import type { DatasetView } from '../panels/dataset.svelte.js';
import type { EvaluateState } from '../panels/evaluate.svelte.js';
import type { TrainingState } from '../panels/training.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';
import type { CaseState } from './caseState.svelte.js';
import type { Messages } from './messages.svelte.js';
import type { UiState } from './ui.svelte.js';
import type { Workstation } from './workstation.js';
import type { WorkspaceState } from './workspace.svelte.js';

export const [useApi, provideApi] = createContext<LobuleApi>();
export const [useMessages, provideMessages] = createContext<Messages>();
export const [useUi, provideUi] = createContext<UiState>();
export const [useWorkspace, provideWorkspace] = createContext<WorkspaceState>();
export const [useViewer, provideViewer] = createContext<ViewerState>();
export const [useTools, provideTools] = createContext<EditTools>();
export const [useCases, provideCases] = createContext<CaseState>();
export const [useSegmenter, provideSegmenter] = createContext<AutoSegment>();
export const [useEdits, provideEdits] = createContext<EditActions>();
export const [useBrush, provideBrush] = createContext<BrushController>();
export const [useTraining, provideTraining] = createContext<TrainingState>();
export const [useDataset, provideDataset] = createContext<DatasetView>();
export const [useSegmentEditor, provideSegmentEditor] = createContext<SegmentEditor>();
export const [useEvaluate, provideEvaluate] = createContext<EvaluateState>();

/** Provides every state of the workstation (called once, by App.svelte). */
export function provideWorkstation(ws: Workstation): void {
  provideApi(ws.api);
  provideMessages(ws.messages);
  provideUi(ws.ui);
  provideWorkspace(ws.workspace);
  provideViewer(ws.viewer);
  provideTools(ws.tools);
  provideCases(ws.cases);
  provideSegmenter(ws.segmenter);
  provideEdits(ws.edits);
  provideBrush(ws.brush);
  provideTraining(ws.training);
  provideDataset(ws.dataset);
}
