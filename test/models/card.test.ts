import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelCard, labelValues } from '../../engine/models/card.js';
import { LobuleError } from '../../engine/errors.js';
import { thresholdCard } from '../inference/threshold-model.js';

function rejects(card: unknown, ...fragments: string[]): void {
  assert.throws(
    () => parseModelCard(card, 'card.json'),
    (e: unknown) => {
      assert.ok(e instanceof LobuleError, 'a LobuleError');
      assert.equal(e.code, 'E_MODEL');
      for (const f of fragments) assert.ok(e.message.includes(f), `message names ${f}: ${e.message}`);
      return true;
    },
  );
}

test('a card with only the required fields gets the documented defaults', () => {
  const card = parseModelCard({
    name: 'liver',
    version: '1',
    labels: { '1': 'liver' },
    preprocessing: { targetSpacing: [1.5, 1.5, 1.5], intensity: { clip: [-300, 300], scale: 'minmax01' }, patchSize: [96, 96, 96] },
    output: { activation: 'sigmoid' },
  });
  assert.equal(card.preprocessing.orientation, 'RAS');
  assert.equal(card.preprocessing.overlap, 0.25);
  assert.equal(card.preprocessing.gaussian, true);
  assert.equal(card.output.threshold, 0.5);
  assert.equal(card.inputChannels, 1);
  assert.deepEqual(card.postprocessing, { largestComponent: false, fillHoles: false });
  assert.deepEqual(labelValues(card), [1]);
});

test('an invalid card is rejected with the path of each bad field', () => {
  const base = thresholdCard() as Record<string, unknown>;
  const pre = base.preprocessing as Record<string, unknown>;
  rejects({ ...base, preprocessing: { ...pre, targetSpacing: [1, -1, 1] } }, 'preprocessing.targetSpacing.1');
  rejects({ ...base, preprocessing: { ...pre, orientation: 'RAR' } }, 'preprocessing.orientation');
  rejects({ ...base, preprocessing: { ...pre, patchSize: [96, 96.5, 96] } }, 'preprocessing.patchSize.1');
  rejects({ ...base, preprocessing: { ...pre, overlap: 1 } }, 'preprocessing.overlap');
  rejects({ ...base, preprocessing: { ...pre, intensity: { clip: [300, -300], scale: 'minmax01' } } }, 'preprocessing.intensity.clip');
  rejects(
    { ...base, preprocessing: { ...pre, intensity: { clip: [-300, 300], scale: 'zscore' } } },
    'preprocessing.intensity.mean',
    'zscore',
  );
  rejects({ ...base, output: { activation: 'relu' } }, 'output.activation');
  rejects({ ...base, labels: {} }, 'labels');
  rejects({ ...base, labels: { '0': 'background' } }, 'labels.0');
  rejects({ ...base, coarse: { model: '../x.onnx', resizeTo: [128, 128, 128] } }, 'coarse.model');
  rejects({ ...base, extra: 1 }, 'extra');
  rejects({ ...base, name: undefined }, 'name');
});

test('a card that is valid but asks for several input channels is refused as unsupported', () => {
  assert.throws(
    () => parseModelCard({ ...thresholdCard(), inputChannels: 2 }),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_UNSUPPORTED' && /inputChannels 2/.test(e.message),
  );
});
