/** The import summary tells the truth: failures make it partial or failed, and counts are grammatical. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeImport } from '../../renderer/src/panels/importReport.js';

const skipped = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `/x/${i}.nii.gz`, reason: 'not a volume' }));

test('an import where files failed is partial or failed, never plain success, and counts read as English', () => {
  assert.deepEqual(summarizeImport({ imported: ['a'], skipped: [] }), { outcome: 'ok', title: '1 case imported' });
  assert.deepEqual(summarizeImport({ imported: ['a', 'b'], skipped: skipped(1) }), {
    outcome: 'partial',
    title: 'Import partly failed: 2 cases imported, 1 file failed',
  });
  assert.deepEqual(summarizeImport({ imported: [], skipped: skipped(2) }), {
    outcome: 'failed',
    title: 'Import failed: 0 cases imported, 2 files failed',
  });
  assert.deepEqual(
    summarizeImport({ imported: [], skipped: [], looksLikeLabel: [{ path: '/m.nii.gz', reason: 'r', sameGridCases: [] }] }),
    { outcome: 'question', title: '0 cases imported, 1 file looks like a label map' },
  );
});
