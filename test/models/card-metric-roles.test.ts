import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelCard, type ModelCardInput } from '../../engine/models/card.js';
import { formatRoleMetric, headlineMetric } from '../../engine/common/metrics/roles.js';

const base: ModelCardInput = {
  name: 'm',
  version: '1',
  labels: { '1': 'liver' },
  preprocessing: { targetSpacing: [3, 3, 3], intensity: { clip: [-300, 300], scale: 'minmax01' }, patchSize: [64, 64, 16] },
  output: { activation: 'sigmoid' },
};

test('an old card with a bare valDice loads with that figure as a selection Dice on labels of unknown origin', () => {
  const card = parseModelCard({ ...base, provenance: { metrics: { valDice: 0.8, 'valDice.b': 0.8 }, trainingCommand: 'lobule train x' } });
  assert.deepEqual(card.provenance.evaluations, [
    {
      role: 'selection',
      metric: 'dice',
      value: 0.8,
      caseIds: ['b'],
      perCase: { b: 0.8 },
      labelSource: 'unknown',
      command: 'lobule train x',
    },
  ]);
  assert.equal(formatRoleMetric(headlineMetric(card.provenance.evaluations ?? [])!), 'Dice 0.800 · selection · labels of unknown origin');
});

test('a card with role-named figures keeps them as written and a held-out Dice is the headline', () => {
  const evaluations = [
    { role: 'selection', metric: 'dice', value: 0.9, caseIds: ['b'], labelSource: 'expert' },
    {
      role: 'heldOut',
      metric: 'dice',
      value: 0.79,
      caseIds: ['c', 'd'],
      labelSource: 'model-generated:TotalSegmentator',
      command: 'lobule evaluate --split test',
    },
  ] as const;
  const card = parseModelCard({ ...base, provenance: { evaluations: [...evaluations], metrics: { valDice: 0.9 } } });
  assert.equal(card.provenance.evaluations?.length, 2);
  assert.equal(
    formatRoleMetric(headlineMetric(card.provenance.evaluations ?? [])!),
    'Dice 0.790 · held-out · model-generated labels (TotalSegmentator)',
  );
});

test('a figure without a known role or label source is refused with the field named', () => {
  assert.throws(
    () =>
      parseModelCard({
        ...base,
        provenance: { evaluations: [{ role: 'val', metric: 'dice', value: 1, caseIds: [], labelSource: 'expert' }] },
      }),
    /provenance\.evaluations\.0\.role/,
  );
  assert.throws(
    () =>
      parseModelCard({
        ...base,
        provenance: { evaluations: [{ role: 'train', metric: 'dice', value: 1, caseIds: [], labelSource: 'nnunet' }] },
      }),
    /labelSource: must be expert, unknown or model-generated/,
  );
});
