import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { selectEvaluationCases } from '../../engine/evaluation/select-cases.js';
import { sharedData } from '../helpers/data.js';

const dir = await mkdtemp(join(tmpdir(), 'lobule-evaluate-'));
after(() => rm(dir, { recursive: true, force: true }));
const W = join(dir, 'ws');

/** Runs the CLI and returns what it printed on stdout. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: await runCli(args), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

// The small CT of patient A (122×101×30, 3 mm) with TotalSegmentator's --fast liver as its verified label.
await cli(['workspace', 'init', W]);
await cli(['workspace', 'import', sharedData('totalsegmentator/example_ct_sm.nii.gz'), '--workspace', W]);
await cli([
  'workspace',
  'import-label',
  'example_ct_sm',
  sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'),
  '--label-status',
  'verified',
  '--workspace',
  W,
]);
await cli(['workspace', 'set-split', 'example_ct_sm', 'val', '--workspace', W]);

test('lobule evaluate runs the bundled model on the verified val case and writes report.html, cases.csv and evaluation.json', async () => {
  const { code, out } = await cli([
    'evaluate',
    '--workspace',
    W,
    '--device',
    'cpu',
    '--json',
    '--label-source',
    'model-generated:TotalSegmentator',
  ]);
  assert.equal(code, 0);
  const { report, evaluation } = JSON.parse(out);
  const c = evaluation.cases[0];
  assert.equal(evaluation.cases.length, 1);
  assert.equal(c.caseId, 'example_ct_sm');
  const liver = c.labels[0];
  assert.ok(liver.dice > 0.9 && liver.dice <= 1, `Dice ${liver.dice}`);
  assert.ok(liver.hd95Mm >= 0 && liver.hd95Mm < 30 && liver.assdMm > 0 && liver.nsd > 0.5, JSON.stringify(liver));
  assert.ok(Math.abs(liver.referenceMl - 1062.45) < 0.01, `reference volume ${liver.referenceMl} mL (39 350 voxels of 27 µL)`);
  // The bundled card lists patient A (this scan's source) as its training case: the figure must say so.
  assert.equal(c.role, 'train');
  assert.equal(evaluation.role, 'train');
  assert.equal(evaluation.labelSource, 'model-generated:TotalSegmentator');
  assert.ok(c.worstSlices.length >= 1 && c.worstSlices.every((k: number) => k >= 0 && k < 30));
  assert.ok(report.dir.startsWith(join(W, 'reports')));
  const html = readFileSync(report.html, 'utf8');
  assert.ok(html.includes('data:image/png;base64,iVBORw0KGgo'), 'thumbnails are inline PNGs');
  assert.ok(!/(src|href)="(?!data:|#)/.test(html), 'no external file is referenced');
  assert.match(html, /<table class="sortable"/);
  assert.match(html, /model-generated labels \(TotalSegmentator\)/);
  const csv = readFileSync(report.csv, 'utf8').trim().split('\n');
  assert.equal(csv.length, 2);
  assert.match(csv[0], /^case,role,label,name,dice,iou,hd95Mm,assdMm,nsd,volumeDifferenceMl/);
  assert.ok(existsSync(report.json));
  assert.equal(JSON.parse(readFileSync(report.json, 'utf8')).cases[0].thumbnails[0].pngBase64, '', 'the JSON carries no pictures');
});

test('the test split is read only when named, and a case that is not verified is skipped with its reason', async () => {
  const ws = await Workspace.open(W);
  try {
    await ws.setSplit('example_ct_sm', 'test');
    assert.equal(selectEvaluationCases(ws, {}).inputs.length, 0, 'the default split is val');
    assert.throws(() => selectEvaluationCases(ws, { caseIds: ['example_ct_sm'] }), /test split.*|add --split test/);
    assert.equal(selectEvaluationCases(ws, { split: 'test' }).inputs[0].referenceVersion, 'v1');
    await ws.setStatus('example_ct_sm', 'draft');
    assert.deepEqual(selectEvaluationCases(ws, { split: 'test' }).skipped, [
      { caseId: 'example_ct_sm', reason: 'its label is draft, not verified' },
    ]);
    assert.throws(() => selectEvaluationCases(ws, { caseIds: ['nope'] }), /no case "nope"/);
  } finally {
    await ws.close();
  }
  assert.notEqual(await runCli(['evaluate', '--workspace', W, '--split', 'holdout']), 0, 'an unknown split is refused');
});
