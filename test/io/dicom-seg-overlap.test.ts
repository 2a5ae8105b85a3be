/**
 * DICOM SEG with overlapping segments: dcmqi's real liver SEG gets a second segment (derived in memory with dcmjs).
 * Overlap must be refused with the segments and voxel counts named, never collapsed into one label silently; a
 * second segment that does not overlap is read beside the first.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { readDicomSegOnto } from '../../engine/io/dicom-seg.js';
import { LobuleError } from '../../engine/errors.js';
import { readReal, writeDerived, type Dataset } from './dicom-derive.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-seg-overlap-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** liver.dcm plus segment 2 made of the same 3 frames, with frame bits from `second(frameBits)`. */
function twoSegments(second: (bits: Uint8Array) => Uint8Array): string {
  const f = readReal('dcmqi/liver.dcm');
  const ds = f.ds;
  const pixels = new Uint8Array((ds.PixelData as ArrayBuffer[])[0]);
  const frameBytes = ((ds.Rows as number) * (ds.Columns as number)) / 8;
  const frames = ds.NumberOfFrames as number;
  const out = new Uint8Array(frameBytes * frames * 2);
  out.set(pixels.subarray(0, frameBytes * frames));
  out.set(second(pixels.subarray(0, frameBytes * frames)), frameBytes * frames);
  ds.PixelData = [out.buffer];
  const segments = ds.SegmentSequence as Dataset[];
  // a fresh array: dcmjs's naturalized one-item sequence does not take push()
  ds.SegmentSequence = [segments[0], { ...segments[0], SegmentNumber: 2, SegmentLabel: 'Second' }];
  const perFrame = ds.PerFrameFunctionalGroupsSequence as Dataset[];
  ds.PerFrameFunctionalGroupsSequence = [
    ...perFrame,
    ...perFrame.map((p) => ({ ...p, SegmentIdentificationSequence: [{ _vrMap: {}, ReferencedSegmentNumber: 2 }] })),
  ];
  ds.NumberOfFrames = frames * 2;
  const path = join(tmp, `seg-${Math.random().toString(36).slice(2)}.dcm`);
  writeDerived(path, f);
  return path;
}

test('a SEG whose two segments overlap is refused naming both segments and the shared voxel count', async () => {
  const ct = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  const path = twoSegments((bits) => bits.slice());
  await assert.rejects(readDicomSegOnto(path, ct), (e: unknown) => {
    assert.ok(e instanceof LobuleError);
    assert.match(e.message, /overlapping segments \(segments 1 and 2 share 107098 voxels\)/);
    return true;
  });
});

test('a SEG with a second, disjoint segment reads both labels', async () => {
  const ct = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  const path = twoSegments((bits) => Uint8Array.from(bits, (b, i) => (i % 64 === 0 ? ~b & 0xff : 0)));
  const labels = await readDicomSegOnto(path, ct);
  let liver = 0,
    second = 0;
  for (const v of labels.data) {
    if (v === 1) liver++;
    else if (v === 2) second++;
  }
  assert.equal(liver, 107098);
  assert.ok(second > 0);
});
