/**
 * Model packages: a folder holding `model.onnx`, `lobule-model.json` and, for two-stage models, the coarse
 * ONNX the card names. Packages live in the workspace's `models/` and in Lobule's bundled `assets/models/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import { LobuleError, isLobuleError } from '../errors.js';
import { bundledModelsDir } from '../paths.js';
import { pickDefaultModel, readActiveModelId } from './default-model.js';
import { MODEL_CARD_FILE, MODEL_ONNX_FILE, type ModelCard, type ModelCardInput, parseModelCard } from './card.js';

export interface ModelPackage {
  /** Absolute folder of the package. */
  readonly dir: string;
  readonly card: ModelCard;
  readonly modelPath: string;
  readonly modelBytes: Uint8Array;
  readonly coarseModelPath?: string;
  readonly coarseModelBytes?: Uint8Array;
}

export interface ModelSummary {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly labels: Record<string, string>;
  readonly description?: string;
  readonly twoStage: boolean;
}

/** Where models are looked for, first match wins: the workspace's models/ (when given), then bundled ones. */
export function defaultModelSearchDirs(workspaceDir?: string): string[] {
  return [...(workspaceDir ? [join(workspaceDir, 'models')] : []), bundledModelsDir()];
}

async function readCard(dir: string): Promise<ModelCard> {
  const cardPath = join(dir, MODEL_CARD_FILE);
  let text: string;
  try {
    text = await readFile(cardPath, 'utf8');
  } catch {
    throw new LobuleError(
      'E_MODEL',
      `${dir} is not a model package: ${MODEL_CARD_FILE} is missing`,
      'A model package is a folder with model.onnx and lobule-model.json',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LobuleError(
      'E_CORRUPT',
      `model card ${cardPath} is not valid JSON (${(e as Error).message})`,
      'Fix or replace lobule-model.json',
    );
  }
  return parseModelCard(json, cardPath);
}

/**
 * Reads an ONNX file and checks that it decodes to a model with a graph, one input and one output; ONNX
 * Runtime's own error for a damaged file does not name the file, this does.
 */
async function readOnnx(path: string, role: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    throw new LobuleError('E_MODEL', `${role} ${path} is missing`, 'Reinstall the model package or export it again');
  }
  let ok = false;
  try {
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    ok =
      !!model.graph &&
      (model.graph.input?.length ?? 0) >= 1 &&
      (model.graph.output?.length ?? 0) >= 1 &&
      (model.graph.node?.length ?? 0) >= 1;
  } catch {
    ok = false;
  }
  if (!ok)
    throw new LobuleError('E_CORRUPT', `${role} ${path} is not a valid ONNX model`, 'Reinstall the model package or export it again');
  return bytes;
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Refuses an ONNX file whose bytes differ from the sha256 the card records for it: a flipped bit in the weights
 * still decodes and runs, and then silently draws a different mask.
 */
function verifyIntegrity(card: ModelCard, file: string, bytes: Uint8Array, path: string): void {
  const expected = card.sha256?.[file];
  if (expected === undefined) return; // cards written before hashes were recorded, and third-party cards
  const actual = sha256Of(bytes);
  if (actual !== expected) {
    throw new LobuleError(
      'E_CORRUPT',
      `model '${card.name}': ${path} was changed or damaged (its sha256 is ${actual}, the model card records ${expected})`,
      'Reinstall or re-import the model package; if you changed the ONNX on purpose, ' +
        'export the package again so its card records the new file',
    );
  }
}

export async function loadModelPackage(dir: string): Promise<ModelPackage> {
  const abs = resolve(dir);
  const card = await readCard(abs);
  const modelPath = join(abs, MODEL_ONNX_FILE);
  const modelBytes = await readOnnx(modelPath, 'model');
  verifyIntegrity(card, MODEL_ONNX_FILE, modelBytes, modelPath);
  if (!card.coarse) return { dir: abs, card, modelPath, modelBytes };
  const coarseModelPath = join(abs, card.coarse.model);
  const coarseModelBytes = await readOnnx(coarseModelPath, 'coarse model');
  verifyIntegrity(card, card.coarse.model, coarseModelBytes, coarseModelPath);
  return { dir: abs, card, modelPath, modelBytes, coarseModelPath, coarseModelBytes };
}

/**
 * Writes a package atomically: everything goes into a temporary sibling folder that is renamed into place, so a
 * crash leaves either the old package or the new one, never half of one.
 */
export async function writeModelPackage(
  dir: string,
  card: ModelCardInput,
  onnxBytes: Uint8Array,
  coarseOnnxBytes?: Uint8Array,
): Promise<string> {
  const abs = resolve(dir);
  const valid0 = parseModelCard(card, join(abs, MODEL_CARD_FILE));
  // the card records the hash of exactly the bytes written here (loadModelPackage verifies it)
  const sha256 = {
    ...valid0.sha256,
    [MODEL_ONNX_FILE]: sha256Of(onnxBytes),
    ...(valid0.coarse && coarseOnnxBytes ? { [valid0.coarse.model]: sha256Of(coarseOnnxBytes) } : {}),
  };
  const valid: ModelCard = { ...valid0, sha256 };
  if (valid.coarse && !coarseOnnxBytes) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `model card for ${abs} names a coarse stage but no coarse ONNX was given`,
      'Pass the coarse model bytes or remove "coarse" from the card',
    );
  }
  await mkdir(dirname(abs), { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = `${abs}.tmp-${suffix}`;
  await mkdir(tmp);
  try {
    await writeFile(join(tmp, MODEL_ONNX_FILE), onnxBytes);
    if (valid.coarse && coarseOnnxBytes) await writeFile(join(tmp, valid.coarse.model), coarseOnnxBytes);
    await writeFile(join(tmp, MODEL_CARD_FILE), JSON.stringify(valid, null, 2) + '\n');
    if (existsSync(abs)) {
      // Replacing is for model packages only (e.g. a resumed run writing its package again); any other folder
      // at that path is the user's and is never deleted.
      if (!existsSync(join(abs, MODEL_CARD_FILE))) {
        throw new LobuleError(
          'E_INVALID_ARGUMENT',
          `${abs} exists and is not a Lobule model package`,
          'Choose another model name or folder',
        );
      }
      const old = `${abs}.old-${suffix}`;
      await rename(abs, old);
      await rename(tmp, abs);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, abs);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return abs;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Every valid package directly inside the given folders, in search order; damaged ones are skipped. */
export async function listModels(dirs: readonly string[]): Promise<ModelSummary[]> {
  const out: ModelSummary[] = [];
  for (const root of dirs) {
    if (!(await isDir(root))) continue;
    for (const entry of (await readdir(root)).sort()) {
      const dir = join(root, entry);
      if (entry.includes('.tmp-') || entry.includes('.old-') || !existsSync(join(dir, MODEL_CARD_FILE))) continue;
      try {
        const card = await readCard(dir);
        out.push({
          name: card.name,
          version: card.version,
          dir,
          labels: card.labels,
          description: card.description,
          twoStage: !!card.coarse,
        });
      } catch (e) {
        if (!isLobuleError(e)) throw e;
      }
    }
  }
  return out;
}

function howToGetAModel(searchDirs: readonly string[]): string {
  return (
    'Train one on your labelled cases with `lobule train`, or put a model package (a folder with model.onnx and ' +
    `lobule-model.json) into ${searchDirs.join(' or ')}, or pass --model DIR`
  );
}

/**
 * Finds the package to run: a folder path, or a model name looked up in `searchDirs` (first match wins); with
 * no name, the default model (default-model.ts: the workspace's active one, else the bundled one).
 */
export async function resolveModel(nameOrDir: string | undefined, searchDirs: readonly string[]): Promise<ModelPackage> {
  if (nameOrDir && (await isDir(nameOrDir))) return loadModelPackage(nameOrDir);
  const models = await listModels(searchDirs);
  if (!nameOrDir) {
    const active = (await Promise.all(searchDirs.map(readActiveModelId))).find((id) => id !== null) ?? null;
    const chosen = pickDefaultModel(models, active);
    if (!chosen) throw new LobuleError('E_NOT_FOUND', 'no segmentation model is installed', howToGetAModel(searchDirs));
    return loadModelPackage(chosen.dir);
  }
  const hit = models.find((m) => m.name === nameOrDir) ?? models.find((m) => basename(m.dir) === nameOrDir);
  if (!hit) {
    const known = models.length ? ` (installed: ${models.map((m) => m.name).join(', ')})` : '';
    throw new LobuleError('E_NOT_FOUND', `no model named "${nameOrDir}" is installed${known}`, howToGetAModel(searchDirs));
  }
  return loadModelPackage(hit.dir);
}
