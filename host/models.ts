/**
 * The models part of the service: model packages in the workspace's models/ and the bundled ones, addressed
 * by id = the package's folder name (ids never paths), plus which one is active for this workspace.
 *
 * The active model is stored in `models/active.json` (written atomically) because the workspace manifest has
 * no field for it yet; listModels ignores that file since it is not a package folder. Making active a model that
 * scored below the active one on the same val cases (its training record's comparison) needs a confirmation.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LobuleError } from '../engine/errors.js';
import type { ModelId, ModelSelection, ModelSummary, TrainPlan } from '../engine/api/contract.js';
import { resolveRunPlan } from '../engine/training/run/run-training.js';
import { toModelSelection } from './jobs/train-job.js';
import { selectionSchema } from '../engine/training/run/run-state.js';
import { TRAINING_RECORD_FILE } from '../engine/training/plan/of-package.js';
import { ID_PATTERN } from '../engine/api/contract.js';
import { listModels, loadModelPackage, writeModelPackage, type ModelSummary as PackageSummary } from '../engine/models/package.js';
import { ACTIVE_MODEL_FILE, pickDefaultModel, readActiveModelId } from '../engine/models/default-model.js';
import { bundledModelsDir } from '../engine/paths.js';
import { writeFileAtomic } from '../engine/io/atomic.js';
import { migrateRoleMetrics } from '../engine/models/card.js';
import type { RoleMetric } from '../engine/common/metrics/roles.js';

export class ModelsStore {
  constructor(private readonly workspaceModelsDir: string) {}

  /** Workspace models first, then bundled ones (the search order of `resolveModel`). */
  searchDirs(): string[] {
    return [this.workspaceModelsDir, bundledModelsDir()];
  }

  async activeId(): Promise<ModelId | null> {
    return readActiveModelId(this.workspaceModelsDir);
  }

  async list(): Promise<ModelSummary[]> {
    const found = await listModels(this.searchDirs());
    const seen = new Set<string>();
    const usable: { m: (typeof found)[number]; id: string }[] = [];
    for (const m of found) {
      const id = basename(m.dir);
      // A workspace package shadows a bundled one of the same folder name, as in resolveModel.
      if (seen.has(id) || !ID_PATTERN.test(id)) continue;
      seen.add(id);
      usable.push({ m, id });
    }
    const active =
      pickDefaultModel(
        usable.map(({ m, id }) => ({ dir: m.dir, id })),
        await this.activeId(),
      )?.id ?? null;
    return Promise.all(usable.map(({ m, id }) => this.summary(m, id, active)));
  }

  /** The model jobs use when none is named (engine/models/default-model.ts). */
  async effectiveActiveId(): Promise<ModelId | null> {
    const chosen = pickDefaultModel(await listModels(this.searchDirs()), await this.activeId());
    return chosen ? basename(chosen.dir) : null;
  }

  async get(id: ModelId): Promise<ModelSummary> {
    const hit = (await this.list()).find((m) => m.id === id);
    if (!hit) throw new LobuleError('E_NOT_FOUND', `no model with id "${id}"`, 'List models with models.list, or import a model package');
    return hit;
  }

  /** The package folder of a model id (for jobs). */
  async dirOf(id: ModelId): Promise<string> {
    const m = (await listModels(this.searchDirs())).find((x) => basename(x.dir) === id);
    if (!m) throw new LobuleError('E_NOT_FOUND', `no model with id "${id}"`, 'List models with models.list, or import a model package');
    return m.dir;
  }

  /**
   * @throws LobuleError E_INVALID_ARGUMENT, naming both Dice values, when the model scored below the active model
   * on the same val cases and `confirmWorse` is not set.
   */
  async setActive(id: ModelId, confirmWorse = false): Promise<ModelSummary> {
    const target = await this.get(id);
    const active = (await this.list()).find((m) => m.active);
    const s = target.selection;
    if (!confirmWorse && active && active.id !== id && s && s.baseModel === active.id && s.baseDice !== null && s.dice < s.baseDice) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `model ${id} scored val Dice ${s.dice.toFixed(4)} on ${s.cases.join(', ')}, below the active model ${active.id} ` +
          `(${s.baseDice.toFixed(4)}) on the same cases`,
        'Keep the active model, or confirm that you want the worse one (confirmWorse: true)',
      );
    }
    await writeFileAtomic(join(this.workspaceModelsDir, ACTIVE_MODEL_FILE), JSON.stringify({ model: id }) + '\n');
    return this.get(id);
  }

  /** The plan a fine-tune of `fromModel` would run before overrides (none: the study's plan). */
  async trainPlan(fromModel: ModelId | undefined): Promise<TrainPlan> {
    return (await resolveRunPlan({ from: fromModel ? await this.dirOf(fromModel) : undefined })).plan;
  }

  /** Validates the package at `path` and copies it into the workspace's models/ under its card's name. */
  async import(path: string): Promise<ModelSummary> {
    const pkg = await loadModelPackage(path);
    const id = pkg.card.name;
    const target = join(this.workspaceModelsDir, id);
    if (await exists(target)) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `the workspace already has a model "${id}"`,
        'Rename the model in its lobule-model.json (name) and import it again',
      );
    }
    await writeModelPackage(target, pkg.card, pkg.modelBytes, pkg.coarseModelBytes);
    return this.get(id);
  }

  /** Writes a copy of a package to `path` (a new folder, or a new subfolder named after the model). */
  async export(id: ModelId, path: string): Promise<void> {
    const pkg = await loadModelPackage(await this.dirOf(id));
    let target = resolve(path);
    if (await exists(target)) target = join(target, id);
    if (await exists(target))
      throw new LobuleError('E_INVALID_ARGUMENT', `${target} already exists`, 'Choose an empty or new folder to export to');
    await writeModelPackage(target, pkg.card, pkg.modelBytes, pkg.coarseModelBytes);
  }

  private async summary(m: PackageSummary, id: string, active: string | null): Promise<ModelSummary> {
    const card = await readCardLoosely(m.dir);
    const dice = card?.provenance?.metrics?.valDice ?? card?.provenance?.metrics?.val_dice;
    return {
      id,
      name: m.name,
      version: m.version,
      labels: { ...m.labels },
      origin: resolve(m.dir).startsWith(resolve(this.workspaceModelsDir)) ? 'workspace' : 'bundled',
      active: id === active,
      twoStage: m.twoStage,
      valDice: typeof dice === 'number' ? dice : null,
      createdAt: card?.provenance?.date ?? null,
      selection: await readSelection(m.dir),
      figures: migrateRoleMetrics(card?.provenance ?? {}),
    };
  }
}

interface LooseCard {
  provenance?: { metrics?: Record<string, number>; evaluations?: RoleMetric[]; trainingCommand?: string; date?: string };
}

async function readCardLoosely(dir: string): Promise<LooseCard | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'lobule-model.json'), 'utf8')) as LooseCard;
  } catch {
    return null;
  }
}

/** The comparison a training run recorded in the package's training.json, if any. */
async function readSelection(dir: string): Promise<ModelSelection | null> {
  try {
    const record = JSON.parse(await readFile(join(dir, TRAINING_RECORD_FILE), 'utf8')) as { selection?: unknown };
    const r = selectionSchema.safeParse(record.selection);
    return r.success ? toModelSelection(r.data) : null;
  } catch {
    return null;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
