/**
 * One typed call for the states a component reads: `const { cases, ui } = useStates();` instead of a
 * `const x = useX();` line per state. Each state is a getter, so destructuring reads only the contexts it names and
 * a component still depends on exactly what it names; the contexts themselves stay one each (app/context.ts,
 * labels/context.ts, workspace/context.ts). Destructure during component initialisation, where contexts are read.
 */
import { useCuration } from '../labels/context.js';
import { useCaseCuration, useConnection, useWorkspaces } from '../workspace/context.js';
import {
  useApi,
  useBrush,
  useCases,
  useDataset,
  useEdits,
  useEvaluate,
  useMessages,
  useSegmentEditor,
  useSegmenter,
  useTools,
  useTraining,
  useUi,
  useViewer,
  useWorkspace,
} from './context.js';

const CONTEXTS = {
  api: useApi,
  messages: useMessages,
  ui: useUi,
  workspace: useWorkspace,
  viewer: useViewer,
  tools: useTools,
  cases: useCases,
  segmenter: useSegmenter,
  edits: useEdits,
  brush: useBrush,
  training: useTraining,
  dataset: useDataset,
  segmentEditor: useSegmentEditor,
  evaluate: useEvaluate,
  curation: useCuration,
  caseCuration: useCaseCuration,
  workspaces: useWorkspaces,
  connection: useConnection,
} as const;

export type States = { readonly [K in keyof typeof CONTEXTS]: ReturnType<(typeof CONTEXTS)[K]> };

/** The workstation's states as getters over their contexts (destructure the ones the component reads). */
export function useStates(): States {
  const states = {} as States;
  for (const [name, use] of Object.entries(CONTEXTS)) Object.defineProperty(states, name, { get: use, enumerable: true });
  return states;
}
