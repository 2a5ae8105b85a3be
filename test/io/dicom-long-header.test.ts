/** Large files are parsed from their first few KB only; a header longer than the first read must still be read
 * whole and give the same volume (a real CT slice rewritten with an 8 KB comment before its pixels). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { sharedData } from '../helpers/data.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';

const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data;
dcmjs.log.setLevel('error');
const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-long-header-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function rewrite(src: string, dst: string, comment: string): number {
  const buf = readFileSync(src);
  const dict = DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const ds = { ...DicomMetaDictionary.naturalizeDataset(dict.dict), ImageComments: comment };
  const out = new DicomDict(dict.meta);
  out.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  const bytes = Buffer.from(out.write());
  writeFileSync(dst, bytes);
  return bytes.length;
}

test('CT slices whose header runs past the first 4 KB read the same voxels as with a short header', async () => {
  const short = join(tmp, 'short'),
    long = join(tmp, 'long');
  mkdirSync(short);
  mkdirSync(long);
  for (const name of ['01.dcm', '02.dcm', '03.dcm']) {
    const size = rewrite(sharedData(`dcmqi/ct-3slice/${name}`), join(short, name), 'short');
    assert.ok(size > 256 * 1024, 'large enough for the header-only path');
    rewrite(sharedData(`dcmqi/ct-3slice/${name}`), join(long, name), 'x'.repeat(8000));
  }
  const a = await readDicomSeries(short);
  const b = await readDicomSeries(long);
  assert.deepEqual(b.dims, a.dims);
  assert.deepEqual([...b.affine], [...a.affine]);
  assert.equal(
    Buffer.compare(
      Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
      Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
    ),
    0,
  );
  assert.ok(a.data instanceof Int16Array && a.data.some((v) => v < -500), 'real CT values (air) came through');
});
