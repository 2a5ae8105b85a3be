/** `lobule workspace …`: every curation action of the app (cases, label versions, names, splits, trash) as a command. */
import type { CliCommand } from '../command.js';
import { LobuleError } from '../../engine/errors.js';
import { parseCommandArgs } from './options.js';
import { Workspace, type WorkspaceStatus } from '../../engine/workspace/workspace.js';
import { CASE_STATUSES, SPLITS, type CaseStatus, type SplitName } from '../../engine/workspace/manifest.js';
import { parseLabelMap } from '../../engine/workspace/labelmap.js';
import { RANK_USAGE, runRank } from './rank.js';
import { voxelVolumeMm3 } from '../../engine/common/voxel-volume.js';

const usage = `Usage: lobule workspace <subcommand> [options]     (every subcommand takes --workspace DIR, default: .)

  init DIR                                  create a workspace in DIR
  import PATH... [--msd|--nnunet] [--label-map 2:1] [--label-status verified|draft] [--as-image]
                                            import NIfTI/NRRD files, DICOM folders (one case per series),
                                            MSD or nnU-Net v2 raw datasets. --label-map FROM:TO pairs,
                                            '*:TO' for every other value: '2:1' merges tumour into liver,
                                            '5:1,*:0' keeps only 5 as 1. Files that look like label maps
                                            are held back unless --as-image says they are images
  import-label CASE FILE [--label-map 5:1,*:0] [--label-status verified|draft]
                                            add a label file (NIfTI, NRRD, DICOM SEG) as a new version
  split [--val 0.2] [--test 0.2] [--seed 0] [--lock-test] [--folds K]
                                            seeded train/val/test split (same seed, same split)
  set-split CASE train|val|test|unassigned  move one case by hand (locked test cases refuse)
  set-status CASE unlabelled|draft|corrected|verified
  training-statuses verified[,corrected,…]  which statuses training (and export) read; default verified
  status [--json]                           counts by split and status
  label-history CASE [--json]               label versions of a case (source, voxels and mL per label)
  label-compare CASE V_BEFORE V_AFTER [--json]
                                            voxels added / removed per label and their Dice
  label-revert CASE VERSION                 new version copying VERSION (nothing is deleted)
  labels [--json]                           the workspace's label names and colours
  label-add NAME [--color #rrggbb]          add a label name (next free value)
  label-rename VALUE NAME | label-recolor VALUE #rrggbb
  label-remove VALUE [--confirm-voxels N]   forget a label name (N = its voxel count, when it has voxels)
  rename CASE NAME                          give a case a display name (its id stays)
  delete CASE [--unlock-test]               move a case to the trash (a locked test case needs --unlock-test)
  restore CASE | trash | empty-trash        put a case back / list the trash / delete its files for good
${RANK_USAGE}
  export --format nnunet|msd OUT [--dataset-id 500] [--name Lobule]
                                            nnU-Net v2 raw dataset (+ splits_final.json) or MSD folder`;

const options = {
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  msd: { type: 'boolean' },
  nnunet: { type: 'boolean' },
  'label-map': { type: 'string' },
  'label-status': { type: 'string' },
  val: { type: 'string' },
  test: { type: 'string' },
  seed: { type: 'string' },
  'lock-test': { type: 'boolean' },
  folds: { type: 'string' },
  format: { type: 'string' },
  'dataset-id': { type: 'string' },
  name: { type: 'string' },
  'as-image': { type: 'boolean' },
  color: { type: 'string' },
  'confirm-voxels': { type: 'string' },
  'unlock-test': { type: 'boolean' },
} as const;

const parse = (argv: string[]) => parseCommandArgs(argv, usage, options, true);
type Values = ReturnType<typeof parse>['values'];

function num(values: Values, key: 'val' | 'test' | 'seed' | 'folds' | 'dataset-id' | 'confirm-voxels'): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new LobuleError('E_INVALID_ARGUMENT', `--${key} must be a number, got '${raw}'`);
  return v;
}

function need(positionals: string[], n: number, what: string): string[] {
  if (positionals.length < n) throw new LobuleError('E_INVALID_ARGUMENT', `missing ${what}`, `See \`lobule workspace --help\``);
  return positionals;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new LobuleError('E_INVALID_ARGUMENT', `'${value}' is not a valid ${what}`, `Use one of: ${allowed.join(', ')}`);
  return value as T;
}

async function withWorkspace<T>(dir: string, readOnly: boolean, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await Workspace.open(dir, { readOnly });
  for (const n of ws.notices) console.error(`lobule workspace: ${n}`);
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}

/** "1 case", "2 cases" (the CLI never prints "case(s)"). */
function count(n: number, noun: string): string {
  if (noun === 'held back') return `${n} held back`;
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function labelValue(text: string): number {
  const v = Number(text);
  if (!/^\d{1,3}$/.test(text) || v < 1 || v > 255)
    throw new LobuleError('E_INVALID_ARGUMENT', `label VALUE must be 1..255, got '${text}'`, 'See `lobule workspace labels`');
  return v;
}

export function formatStatus(s: WorkspaceStatus): string {
  const w = 12;
  const header = ['split'.padEnd(w), ...CASE_STATUSES.map((st) => st.padStart(w)), 'total'.padStart(8)].join('');
  const rows = SPLITS.map((sp) =>
    [sp.padEnd(w), ...CASE_STATUSES.map((st) => String(s.bySplitAndStatus[sp][st]).padStart(w)), String(s.bySplit[sp]).padStart(8)].join(
      '',
    ),
  );
  const total = ['total'.padEnd(w), ...CASE_STATUSES.map((st) => String(s.byStatus[st]).padStart(w)), String(s.cases).padStart(8)].join('');
  const split = s.split
    ? `seed ${s.split.seed}, val ${s.split.val}, test ${s.split.test}${s.split.folds ? `, ${s.split.folds} folds` : ''}`
    : 'none yet';
  return [
    `workspace ${s.dir} (revision ${s.revision})`,
    `${s.cases} cases, ${s.labelVersions} label versions; split: ${split}; locked test cases: ${s.lockedTestCases}`,
    `training reads: ${s.trainingStatuses.join(', ')}`,
    '',
    header,
    ...rows,
    total,
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'rank') return runRank(argv.slice(1));
  const { values, positionals } = parse(argv);
  const [sub, ...args] = positionals;
  const dir = values.workspace ?? '.';
  switch (sub) {
    case 'init': {
      const target = args[0] ?? values.workspace;
      if (!target) throw new LobuleError('E_INVALID_ARGUMENT', 'missing the folder to create', 'lobule workspace init DIR');
      const ws = await Workspace.init(target);
      await ws.close();
      console.log(`created workspace ${ws.dir}`);
      return 0;
    }
    case 'import': {
      need(args, 1, 'the path(s) to import');
      if (values.msd && values.nnunet) throw new LobuleError('E_INVALID_ARGUMENT', '--msd and --nnunet exclude each other');
      const format = values.msd ? 'msd' : values.nnunet ? 'nnunet' : 'auto';
      const labelMap = values['label-map'] !== undefined ? parseLabelMap(values['label-map']) : undefined;
      const labelStatus =
        values['label-status'] !== undefined
          ? oneOf<CaseStatus>(values['label-status'], ['verified', 'draft', 'corrected'], 'label status')
          : undefined;
      const acceptLabelLikeImages = values['as-image'] ?? false;
      const report = await withWorkspace(dir, false, (ws) =>
        ws.importPaths(args, { format, labelMap, labelStatus, acceptLabelLikeImages }),
      );
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else {
        for (const n of report.notices) console.log(`note: ${n}`);
        for (const c of report.imported)
          console.log(`imported ${c.caseId}${c.labelVersion ? ` (labels ${c.labelVersion})` : ''} from ${c.origin}`);
        for (const s of report.skipped) console.log(`skipped ${s.path}: ${s.reason}`);
        for (const l of report.looksLikeLabel) {
          const where = l.sameGridCases.length ? `; as a label: lobule workspace import-label ${l.sameGridCases[0]} ${l.path}` : '';
          console.log(`held back ${l.path}: ${l.reason}. If it is an image: import it again with --as-image${where}`);
        }
        const held = report.looksLikeLabel.length ? `, ${count(report.looksLikeLabel.length, 'held back')}` : '';
        console.log(`${count(report.imported.length, 'case')} imported (${report.format}), ${report.skipped.length} skipped${held}`);
      }
      return report.skipped.length > 0 || report.looksLikeLabel.length > 0 ? 1 : 0;
    }
    case 'import-label': {
      const [caseId, file] = need(args, 2, 'CASE and FILE');
      const labelMap = values['label-map'] !== undefined ? parseLabelMap(values['label-map']) : undefined;
      const status =
        values['label-status'] !== undefined
          ? oneOf<CaseStatus>(values['label-status'], ['verified', 'draft', 'corrected'], 'label status')
          : undefined;
      const v = await withWorkspace(dir, false, (ws) => ws.importLabel(caseId, file, { labelMap, status }));
      if (v.unchanged) console.log(`case ${caseId}: ${file} holds the same voxels as ${v.id}; nothing saved`);
      else console.log(`case ${caseId}: saved labels ${v.id} (parent ${v.parent ?? '-'}) from ${file}`);
      return 0;
    }
    case 'split': {
      const s = await withWorkspace(dir, false, (ws) =>
        ws.makeSplit({
          val: num(values, 'val'),
          test: num(values, 'test'),
          seed: num(values, 'seed'),
          folds: num(values, 'folds'),
          lockTest: values['lock-test'],
        }),
      );
      console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
      return 0;
    }
    case 'set-split': {
      const [caseId, split] = need(args, 2, 'CASE and SPLIT');
      await withWorkspace(dir, false, (ws) => ws.setSplit(caseId, oneOf<SplitName>(split, SPLITS, 'split')));
      console.log(`case ${caseId} is now in ${split}`);
      return 0;
    }
    case 'set-status': {
      const [caseId, status] = need(args, 2, 'CASE and STATUS');
      await withWorkspace(dir, false, (ws) => ws.setStatus(caseId, oneOf<CaseStatus>(status, CASE_STATUSES, 'case status')));
      console.log(`case ${caseId} is now ${status}`);
      return 0;
    }
    case 'training-statuses': {
      const [list] = need(args, 1, 'a comma-separated list of statuses');
      const statuses = list.split(',').map((x) => oneOf<CaseStatus>(x.trim(), CASE_STATUSES, 'case status'));
      await withWorkspace(dir, false, (ws) => ws.setTrainingStatuses(statuses));
      console.log(`training reads cases that are ${statuses.join(' or ')}`);
      return 0;
    }
    case 'status': {
      const s = await withWorkspace(dir, true, async (ws) => ws.status());
      console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
      return 0;
    }
    case 'label-history': {
      const [caseId] = need(args, 1, 'the CASE');
      const { history, mm3 } = await withWorkspace(dir, true, async (ws) => ({
        history: ws.labelHistory(caseId),
        mm3: voxelVolumeMm3(ws.getCase(caseId).geometry.affine),
      }));
      if (values.json) console.log(JSON.stringify(history, null, 2));
      else if (history.length === 0) console.log(`case ${caseId} has no label versions`);
      else
        for (const v of history) {
          const counts = Object.entries(v.voxelCounts)
            .filter(([k]) => k !== '0')
            .map(([k, n]) => `${k}:${n} (${((n * mm3) / 1000).toFixed(1)} mL)`)
            .join(' ');
          const source = v.revertOf ? `${v.source} of ${v.revertOf}` : v.source;
          console.log(
            `${v.id}  parent ${v.parent ?? '-'}  ${v.time}  ${v.author}  ${source}  sha256 ${v.sha256}  voxels ${counts || 'none'}`,
          );
        }
      return 0;
    }
    case 'label-compare': {
      const [caseId, before, after] = need(args, 3, 'CASE, V_BEFORE and V_AFTER');
      const c = await withWorkspace(dir, true, (ws) => ws.compareLabels(caseId, before, after));
      if (values.json) console.log(JSON.stringify(c, null, 2));
      else {
        console.log(`case ${caseId}: ${before} → ${after}, ${count(c.changedVoxels, 'voxel')} changed`);
        for (const [v, l] of Object.entries(c.labels))
          console.log(`label ${v}: +${l.added} −${l.removed} (${l.before} → ${l.after} voxels), Dice ${l.dice.toFixed(4)}`);
      }
      return 0;
    }
    case 'label-revert': {
      const [caseId, version] = need(args, 2, 'CASE and VERSION');
      const v = await withWorkspace(dir, false, (ws) => ws.revertLabel(caseId, version));
      console.log(
        v.unchanged
          ? `case ${caseId}: the latest version ${v.id} already holds the voxels of ${version}; nothing saved`
          : `case ${caseId}: saved ${v.id}, a copy of ${version} (status ${v.status})`,
      );
      return 0;
    }
    case 'labels': {
      const labels = await withWorkspace(dir, true, async (ws) => ws.labelNames());
      if (values.json) console.log(JSON.stringify(labels, null, 2));
      else for (const l of labels) console.log(`${l.value}  ${l.name}  ${l.color ?? '(default colour)'}`);
      return 0;
    }
    case 'label-add': {
      const [name] = need(args, 1, 'the NAME');
      const l = await withWorkspace(dir, false, (ws) => ws.addLabelName(name, values.color));
      console.log(`label ${l.value} is '${l.name}'`);
      return 0;
    }
    case 'label-rename': {
      const [value, name] = need(args, 2, 'VALUE and NAME');
      const l = await withWorkspace(dir, false, (ws) => ws.renameLabelName(labelValue(value), name));
      console.log(`label ${l.value} is now '${l.name}'`);
      return 0;
    }
    case 'label-recolor': {
      const [value, color] = need(args, 2, 'VALUE and #rrggbb');
      const l = await withWorkspace(dir, false, (ws) => ws.recolorLabel(labelValue(value), color));
      console.log(`label ${l.value} '${l.name}' is now ${l.color}`);
      return 0;
    }
    case 'label-remove': {
      const [value] = need(args, 1, 'the VALUE');
      const u = await withWorkspace(dir, false, (ws) => ws.removeLabelName(labelValue(value), num(values, 'confirm-voxels')));
      console.log(`removed the name of label ${value}${u.voxels ? `; its ${count(u.voxels, 'voxel')} stay in the saved versions` : ''}`);
      return 0;
    }
    case 'rename': {
      const [caseId, ...name] = need(args, 2, 'CASE and NAME');
      const c = await withWorkspace(dir, false, (ws) => ws.renameCase(caseId, name.join(' ')));
      console.log(`case ${c.id} is now named '${c.name}'`);
      return 0;
    }
    case 'delete': {
      const [caseId] = need(args, 1, 'the CASE');
      await withWorkspace(dir, false, (ws) => ws.deleteCase(caseId, { unlockTest: values['unlock-test'] }));
      console.log(`case ${caseId} moved to the trash (restore it with \`lobule workspace restore ${caseId}\`)`);
      return 0;
    }
    case 'restore': {
      const [caseId] = need(args, 1, 'the CASE');
      const c = await withWorkspace(dir, false, (ws) => ws.restoreCase(caseId));
      console.log(`case ${c.id} restored (split ${c.split}, ${count(c.labels.length, 'label version')})`);
      return 0;
    }
    case 'trash': {
      const trash = await withWorkspace(dir, true, async (ws) => ws.trash());
      if (values.json) console.log(JSON.stringify(trash, null, 2));
      else if (trash.length === 0) console.log('the trash is empty');
      else for (const t of trash) console.log(`${t.case.id}  deleted ${t.deletedAt}  ${count(t.case.labels.length, 'label version')}`);
      return 0;
    }
    case 'empty-trash': {
      const gone = await withWorkspace(dir, false, (ws) => ws.emptyTrash());
      console.log(gone.length ? `deleted ${count(gone.length, 'case')} for good: ${gone.join(', ')}` : 'the trash was empty');
      return 0;
    }
    case 'export': {
      const [out] = need(args, 1, 'the OUT folder');
      const format = oneOf(values.format ?? '', ['nnunet', 'msd'] as const, 'export format (--format)');
      const r = await withWorkspace(dir, true, (ws) =>
        ws.exportDataset(format, out, { datasetId: num(values, 'dataset-id'), name: values.name }),
      );
      if (values.json) console.log(JSON.stringify(r, null, 2));
      else {
        console.log(`exported ${r.training.length} training and ${count(r.test.length, 'test case')} to ${r.datasetDir}`);
        console.log(`splits: ${r.splitsFile}`);
        for (const l of r.left) console.log(`left out ${l.caseId}: ${l.reason}`);
      }
      return 0;
    }
    default:
      console.error(sub ? `lobule workspace: unknown subcommand '${sub}'\n\n${usage}` : usage);
      return 2;
  }
}

export const workspaceCommand: CliCommand = {
  name: 'workspace',
  summary: 'Create and manage a workspace: import cases, splits, label history, export to nnU-Net / MSD',
  usage,
  run,
};
