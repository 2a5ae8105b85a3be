/** A case whose image the card names by hash keeps that role under any case id: the training scan is never held out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { caseRoles, provenanceImageRoles } from '../../engine/evaluation/evaluation-run.js';

test("the bundled card's provenance names patient A's image as train and patient B's as selection, by sha256", () => {
  const card = JSON.parse(readFileSync(join(packageRoot(), 'assets', 'models', 'liver', 'lobule-model.json'), 'utf8'));
  const roles = provenanceImageRoles(card.provenance.data);
  assert.equal(roles.get('dbd3ae6d614d1d7ef3a46925c30c70038ed52da6b37fdd6afdc7b9b71387e3e1'), 'train');
  assert.equal(roles.get('c25a3dad6d70c09b68b65f94247f4fbdec2bd8a8173b71d6e6a4140317e190f6'), 'selection');
  assert.equal(roles.size, 2, 'label hashes are not image hashes');
});

test('a renamed copy of a training image is train, an unknown image in an unrelated workspace is held out', () => {
  const hashes: Record<string, string> = { renamedA: 'a'.repeat(64), other: 'b'.repeat(64) };
  const byHash = new Map([['a'.repeat(64), 'train' as const]]);
  const roleOf = caseRoles(
    [],
    () => 'val',
    false,
    (id) => byHash.get(hashes[id]),
  );
  assert.equal(roleOf('renamedA'), 'train');
  assert.equal(roleOf('other'), 'heldOut');
});
