/**
 * `lobule workspace rank`: the workspace's unlabelled and draft cases in the order most useful to correct next
 * (the active model's uncertainty, engine/evaluation/rank.ts), the same order as the app's dataset panel.
 */
import { basename } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { defaultModelSearchDirs, resolveModel } from '../../engine/models/package.js';
import { rankCases } from '../../engine/evaluation/rank.js';
import { UNCERTAINTY_MEANING } from '../../engine/evaluation/uncertainty.js';
import { abortOnCtrlC, parseCommandArgs } from './options.js';

export const RANK_USAGE = `  rank [--model NAME] [--recompute] [--json]
                                            unlabelled and draft cases, most useful to correct first (the
                                            model's uncertainty; cached per model version)`;

export async function runRank(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'lobule workspace rank [--workspace DIR] [--model NAME] [--recompute] [--json]', {
    workspace: { type: 'string' },
    model: { type: 'string' },
    recompute: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  // The scores go to the workspace's cache folder; the manifest is only read.
  const ws = await Workspace.open(values.workspace ?? '.', { readOnly: true });
  try {
    const pkg = await resolveModel(values.model, defaultModelSearchDirs(ws.dir));
    return await abortOnCtrlC(async (signal) => {
      const ranked = await rankCases(ws, pkg, {
        modelId: basename(pkg.dir),
        recompute: values.recompute,
        signal,
        log: (l) => console.error(l),
      });
      if (values.json)
        console.log(JSON.stringify({ model: basename(pkg.dir), version: pkg.card.version, meaning: UNCERTAINTY_MEANING, cases: ranked }));
      else {
        console.log(`most useful to correct first (${pkg.card.name} ${pkg.card.version}): ${UNCERTAINTY_MEANING}`);
        for (const [i, c] of ranked.entries())
          console.log(`${String(i + 1).padStart(3)}. ${c.caseId.padEnd(28)} ${c.status.padEnd(11)} uncertainty ${c.score.toFixed(3)}`);
        if (ranked.length === 0) console.log('no unlabelled or draft case');
      }
      return 0;
    });
  } finally {
    await ws.close();
  }
}
