/**
 * Label exports round-trip through Lobule's own readers exactly, the DICOM SEG passes dcmtk's checks and references
 * the source CT, the .seg.nrrd carries Slicer's segment fields, meshes enclose the label's volume, and the CSV
 * reports volumes and tumour burden. Real data: dcmqi's 3-slice CT with its liver SEG, TotalSegmentator's liver.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { readDicomSegOnto } from '../../engine/io/dicom-seg.js';
import { readNrrd } from '../../engine/io/nrrd.js';
import { readNifti } from '../../engine/io/nifti.js';
import { exportCaseLabels } from '../../engine/export/export-labels.js';
import { signedVolume } from '../../engine/export/mesh.js';
import type { LabelVolume, Volume } from '../../engine/common/volume.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const has = (tool: string) => spawnSync(tool, ['--version']).error === undefined;
const noDcmtk = has('dcmdump') ? false : 'dcmtk is not installed (apt-get install -y dcmtk; .ci/run installs it)';

let ws: Workspace;
let ctCase: string, tsCase: string;
let ct: Volume;
let liverOnly: LabelVolume;

before(async () => {
  ws = await Workspace.init(join(tmp, 'ws'));
  await ws.addLabelName('tumour');
  const report = await ws.importPaths([sharedData('dcmqi/ct-3slice')]);
  ctCase = report.imported[0].caseId;
  ct = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  liverOnly = await readDicomSegOnto(sharedData('dcmqi/liver.dcm'), ct);
  await ws.saveLabel(ctCase, liverOnly, { source: 'manual' });
  // v2: a block of the liver on the middle slice becomes tumour (label 2)
  const withTumour = Uint8Array.from(liverOnly.data);
  const [nx, ny] = ct.dims;
  let tumour = 0;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const p = i + nx * (j + ny);
      if (withTumour[p] === 1 && tumour < 5000 && (i + j) % 3 !== 0) {
        withTumour[p] = 2;
        tumour++;
      }
    }
  await ws.saveLabel(ctCase, { ...liverOnly, data: withTumour }, { source: 'manual' });
  const ts = await ws.importPaths([sharedData('totalsegmentator/example_ct_sm.nii.gz')]);
  tsCase = ts.imported[0].caseId;
  const liver = await readNifti(sharedData('totalsegmentator/example_seg_roi_subset.nii.gz'));
  await ws.saveLabel(tsCase, { ...liver, data: Uint8Array.from(liver.data, (v) => (v === 5 ? 1 : 0)) }, { source: 'manual' });
});
after(async () => ws?.close());

function sameVoxels(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.equal(a.length, b.length, what);
  let diff = 0;
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) diff++;
  assert.equal(diff, 0, `${what}: ${diff} voxels differ`);
}

test('DICOM SEG export reads back voxel for voxel and references the source CT study, series, frame of reference and images', async () => {
  const out = join(tmp, 'v2.seg.dcm');
  const result = await exportCaseLabels(ws, ctCase, { format: 'seg', out });
  assert.equal(result.version, 'v2');
  assert.deepEqual(result.notes, []);
  const back = await readDicomSegOnto(out, ct);
  sameVoxels(back.data, (await ws.readLabel(ctCase, 'v2')).data, 'SEG round trip');
  const v1 = join(tmp, 'v1.seg.dcm');
  await exportCaseLabels(ws, ctCase, { format: 'seg', out: v1, version: 'v1' });
  sameVoxels((await readDicomSegOnto(v1, ct)).data, liverOnly.data, 'SEG of v1 equals the dcmqi SEG it came from');
});

test('the exported SEG is structurally valid for dcmtk: dcmdump parses it, names and codes are there, dciodvfy finds no error', {
  skip: noDcmtk,
}, async () => {
  const out = join(tmp, 'check.seg.dcm');
  await exportCaseLabels(ws, ctCase, { format: 'seg', out });
  const dump = spawnSync('dcmdump', ['-q', '-Un', out], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  const text = dump.stdout;
  const tag = (t: string) =>
    text
      .split('\n')
      .filter((l) => l.includes(t))
      .map((l) => l.match(/\[(.*?)\]/)?.[1]);
  const ctDump = spawnSync('dcmdump', ['-q', '-Un', sharedData('dcmqi/ct-3slice/01.dcm')], { encoding: 'utf8' }).stdout;
  const ctTag = (t: string) =>
    ctDump
      .split('\n')
      .find((l) => l.includes(t))
      ?.match(/\[(.*?)\]/)?.[1];
  assert.deepEqual(tag('(0008,0016)'), ['1.2.840.10008.5.1.4.1.1.66.4']);
  assert.deepEqual(tag('(0020,000d)'), [ctTag('(0020,000d)')]);
  assert.deepEqual(tag('(0020,0052)'), [ctTag('(0020,0052)')]);
  assert.ok(tag('(0020,000e)').includes(ctTag('(0020,000e)')), 'ReferencedSeriesSequence names the CT series');
  assert.ok(tag('(0008,1155)').includes(ctTag('(0008,0018)')), 'the CT images are referenced');
  assert.deepEqual(tag('(0062,0005)'), ['liver', 'tumour']);
  assert.ok(tag('(0008,0100)').includes('10200004') && tag('(0008,0100)').includes('108369006'), 'SNOMED codes for liver and neoplasm');
  if (has('dciodvfy')) {
    const v = spawnSync('dciodvfy', [out], { encoding: 'utf8' });
    const errors = `${v.stdout}${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'));
    assert.deepEqual(errors, []);
  }
});

test('Slicer .seg.nrrd export reads back voxel for voxel with segment names, colours, label values and extents', async () => {
  const out = join(tmp, 'v2.seg.nrrd');
  await exportCaseLabels(ws, ctCase, { format: 'nrrd', out });
  const back = await readNrrd(out);
  const labels = await ws.readLabel(ctCase, 'v2');
  sameVoxels(Uint8Array.from(back.data), labels.data, '.seg.nrrd round trip');
  for (let n = 0; n < 16; n++) assert.ok(Math.abs(back.affine[n] - labels.affine[n]) < 1e-4, `affine entry ${n}`);
  const header = readFileSync(out).subarray(0, 4000).toString('latin1');
  assert.match(header, /Segment0_Name:=liver\n/);
  assert.match(header, /Segment1_Name:=tumour\n/);
  assert.match(header, /Segment1_LabelValue:=2\n/);
  assert.match(header, /Segment0_Color:=0\.866667 0\.329412 0\.329412\n/);
  assert.match(header, /Segment0_Extent:=\d+ \d+ \d+ \d+ 0 2\n/);
  assert.match(header, /Segment1_Extent:=\d+ \d+ \d+ \d+ 1 1\n/);
  assert.match(header, /SCT\^10200004\^Liver/);
});

test('NIfTI export reads back voxel for voxel', async () => {
  const out = join(tmp, 'v2.nii.gz');
  await exportCaseLabels(ws, ctCase, { format: 'nifti', out });
  sameVoxels(Uint8Array.from((await readNifti(out)).data), (await ws.readLabel(ctCase, 'v2')).data, 'NIfTI round trip');
});

/** Enclosed volume of a binary STL file in mL. */
function stlVolumeMl(path: string): number {
  const b = readFileSync(path);
  const n = b.readUInt32LE(80);
  assert.equal(b.length, 84 + 50 * n);
  const positions = new Float32Array(n * 9);
  for (let t = 0; t < n; t++) for (let v = 0; v < 9; v++) positions[9 * t + v] = b.readFloatLE(84 + 50 * t + 12 + 4 * v);
  return signedVolume({ positions, triangles: Uint32Array.from({ length: n * 3 }, (_, i) => i) }) / 1000;
}

function objVolumeMl(path: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const v = lines.filter((l) => l.startsWith('v ')).flatMap((l) => l.slice(2).split(' ').map(Number));
  const f = lines
    .filter((l) => l.startsWith('f '))
    .flatMap((l) =>
      l
        .slice(2)
        .split(' ')
        .map((x) => Number(x) - 1),
    );
  return signedVolume({ positions: Float32Array.from(v), triangles: Uint32Array.from(f) }) / 1000;
}

test('STL and OBJ meshes of a real liver enclose its label volume within 3 %, raw and smoothed, RAS and LPS', async () => {
  for (const [format, smoothing, space] of [
    ['stl', 0, 'RAS'],
    ['stl', 20, 'LPS'],
    ['obj', 0, 'LPS'],
    ['obj', 20, 'RAS'],
  ] as const) {
    const dir = join(tmp, `mesh-${format}-${smoothing}-${space}`);
    const result = await exportCaseLabels(ws, tsCase, { format, out: dir, smoothing, space });
    const liver = result.segments.find((s) => s.value === 1)!;
    assert.ok(liver.volumeMl > 1000, `liver ${liver.volumeMl} mL`);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    const fileMl = format === 'stl' ? stlVolumeMl(join(dir, files[0])) : objVolumeMl(join(dir, files[0]));
    const err = Math.abs(fileMl - liver.volumeMl) / liver.volumeMl;
    assert.ok(
      err < 0.03,
      `${format} smoothing ${smoothing} ${space}: mesh ${fileMl.toFixed(1)} mL vs label ${liver.volumeMl.toFixed(1)} mL`,
    );
  }
});

test('the volume CSV has mL per label, tumour burden and the version provenance', async () => {
  const out = join(tmp, 'report.csv');
  const result = await exportCaseLabels(ws, ctCase, { format: 'csv', out });
  const [head, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(head, 'case,version,label_value,label_name,voxels,volume_ml,tumour_burden,source,author,saved,label_sha256');
  const labels = await ws.readLabel(ctCase, 'v2');
  const voxelMl = (0.810547 * 0.810547 * 1) / 1000;
  const count = (v: number) => labels.data.reduce((n, x) => n + (x === v ? 1 : 0), 0);
  const cells = rows.map((r) => r.split(','));
  assert.deepEqual(
    cells.map((c) => [c[0], c[1], c[2], c[3], Number(c[4])]),
    [
      [ctCase, 'v2', '1', 'liver', count(1)],
      [ctCase, 'v2', '2', 'tumour', count(2)],
    ],
  );
  assert.ok(Math.abs(Number(cells[0][5]) - count(1) * voxelMl) < 0.01);
  const burden = count(2) / (count(1) + count(2));
  assert.ok(Math.abs(Number(cells[0][6]) - burden) < 1e-5);
  assert.ok(Math.abs((result.tumourBurden ?? 0) - burden) < 1e-9);
  assert.equal(cells[0][7], 'manual');
  assert.match(cells[0][10], /^[0-9a-f]{64}$/);
});

test('lobule labels export through the CLI writes the file and reports volumes; bad flags are one clear line', async () => {
  const out = join(tmp, 'cli.seg.dcm');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/io/cli-entry.ts', ...args], { encoding: 'utf8' });
  await ws.close();
  try {
    const ok = run('labels', 'export', ctCase, '--workspace', join(tmp, 'ws'), '--format', 'seg', '-o', out);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /wrote .*cli\.seg\.dcm/);
    assert.match(ok.stdout, /1 liver: \d+ voxels/);
    assert.equal((await readDicomSegOnto(out, ct)).data.filter((v) => v === 2).length > 0, true);
    const bad = run('labels', 'export', ctCase, '--workspace', join(tmp, 'ws'), '--format', 'ply', '-o', out);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^lobule labels: --format must be one of seg, nrrd, nifti, stl, obj, csv, got 'ply'/);
  } finally {
    ws = await Workspace.open(join(tmp, 'ws'));
  }
});
