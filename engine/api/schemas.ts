/**
 * zod schemas for every method's params: the host validates each call at the boundary (both bindings) before
 * any engine code runs, so a bad call becomes an E_INVALID_ARGUMENT naming the field, never a crash.
 * Browser-safe (zod only). The `satisfies` table at the end makes the compiler check that each schema's
 * output fits the hand-written params type in contract.ts.
 */
import { z } from 'zod';
import { PlanOverrideSchema } from '../common/train-plan/schema.js';
import { LABEL_EXPORT_FORMATS } from '../common/label-export-formats.js';
import { ID_PATTERN, type MethodName, type Params } from './contract.js';
import { UploadedPathsSchema } from './upload-wire.js';
import type { SerializedError } from '../errors.js';

const idMessage = 'must be an id (letters, digits, _ . @ + -; no slashes, no "..", not a path)';
const id = z.string().regex(ID_PATTERN, idMessage);
/** A path on the host machine; only the import/export methods take one. */
const hostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
const noParams = z.object({}).strict();
/** workspace.importPaths and jobs.import take the same params. */
const importParams = z
  .object({
    paths: z.array(hostPath).min(1).max(10000),
    layout: z.enum(['auto', 'files', 'msd', 'nnunet']).optional(),
    labelMap: z.record(z.string().regex(/^\d{1,3}$/), z.number().int().min(0).max(255)).optional(),
    acceptLabelLikeImages: z.boolean().optional(),
    upload: UploadedPathsSchema.optional(),
  })
  .strict();
const device = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
const split = z.enum(['train', 'val', 'test', 'unassigned']);
const status = z.enum(['unlabelled', 'draft', 'corrected', 'verified']);
const labelSource = z.string().regex(/^(manual|import|model:[A-Za-z0-9_.@+-]{1,200})$/, 'must be manual, import or model:<id>@<version>');
const labelValue = z.number().int().min(1).max(255);
const labelName = z.string().trim().min(1).max(64);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb');
const bytes = z.instanceof(Uint8Array, { message: 'must be labelmap bytes (Uint8Array)' });
const fraction = z.number().min(0).max(0.9);

const segmentParams = z.object({ caseId: id, modelId: id.optional(), device: device.optional() }).strict();
const trainParams = z
  .object({
    fromModel: id.optional(),
    plan: PlanOverrideSchema.optional(),
    noVal: z.boolean().optional(),
    name: id.optional(),
    device: device.optional(),
  })
  .strict();
const evaluateParams = z
  .object({
    modelId: id.optional(),
    split: z.enum(['val', 'test', 'train']),
    caseIds: z.array(id).max(10000).optional(),
    device: device.optional(),
    nsdToleranceMm: z.number().min(0).max(100).optional(),
    labelSource: z
      .string()
      .regex(/^(expert|unknown|model-generated:[A-Za-z0-9_.@+-]{1,100})$/, 'must be expert, unknown or model-generated:<tool>')
      .optional(),
  })
  .strict();

export const PARAM_SCHEMAS = {
  'host.info': noParams,
  'dialogs.pick': z
    .object({ purpose: z.enum(['import-files', 'import-folder', 'import-model', 'export-model', 'open-workspace']) })
    .strict(),
  'workspace.open': z.object({ path: hostPath }).strict(),
  'workspace.info': noParams,
  'workspace.status': noParams,
  'workspace.cases': noParams,
  'workspace.importPaths': importParams,
  'workspace.makeSplit': z
    .object({ val: fraction, test: fraction, seed: z.number().int().min(0), lockTest: z.boolean().optional() })
    .strict(),
  'workspace.setSplit': z.object({ caseIds: z.array(id).min(1), split }).strict(),
  'workspace.setStatus': z.object({ caseId: id, status }).strict(),
  'workspace.setLastOpenCase': z.object({ caseId: id }).strict(),
  'workspace.recent': noParams,
  'workspace.labels': noParams,
  'workspace.addLabel': z.object({ name: labelName, color: color.optional() }).strict(),
  'workspace.updateLabel': z.object({ value: labelValue, name: labelName.optional(), color: color.optional() }).strict(),
  'workspace.labelUsage': z.object({ value: labelValue }).strict(),
  'workspace.removeLabel': z.object({ value: labelValue, confirmVoxels: z.number().int().min(0).optional() }).strict(),
  'workspace.renameCase': z.object({ caseId: id, name: z.string().trim().min(1).max(200) }).strict(),
  'workspace.deleteCase': z.object({ caseId: id, unlockTest: z.boolean().optional() }).strict(),
  'workspace.restoreCase': z.object({ caseId: id }).strict(),
  'workspace.trash': noParams,
  'workspace.emptyTrash': noParams,
  'volumes.imageMeta': z.object({ caseId: id }).strict(),
  'volumes.labelMeta': z.object({ caseId: id, version: id.optional() }).strict(),
  'volumes.imageBytes': z.object({ caseId: id }).strict(),
  'volumes.labelBytes': z.object({ caseId: id, version: id.optional() }).strict(),
  'labels.history': z.object({ caseId: id }).strict(),
  'labels.save': z.object({ caseId: id, parent: id.nullable(), data: bytes, source: labelSource.optional() }).strict(),
  'labels.writeJournal': z.object({ caseId: id, baseVersion: id.nullable(), data: bytes }).strict(),
  'labels.journalInfo': z.object({ caseId: id }).strict(),
  'labels.journalBytes': z.object({ caseId: id }).strict(),
  'labels.clearJournal': z.object({ caseId: id }).strict(),
  'labels.compare': z.object({ caseId: id, before: id, after: id }).strict(),
  'labels.revert': z.object({ caseId: id, version: id }).strict(),
  'labels.proposal': z.object({ caseId: id }).strict(),
  'labels.proposalBytes': z.object({ caseId: id }).strict(),
  'labels.acceptProposal': z.object({ caseId: id }).strict(),
  'labels.discardProposal': z.object({ caseId: id }).strict(),
  'labels.probabilities': z.object({ caseId: id }).strict(),
  'labels.probabilityBytes': z.object({ caseId: id }).strict(),
  'labels.importFile': z.object({ caseId: id, path: hostPath }).strict(),
  'labels.export': z
    .object({
      caseId: id,
      format: z.enum(LABEL_EXPORT_FORMATS),
      path: hostPath,
      version: id.optional(),
      space: z.enum(['RAS', 'LPS']).optional(),
      smoothing: z.number().int().min(0).max(500).optional(),
    })
    .strict(),
  'models.list': noParams,
  'models.import': z.object({ path: hostPath }).strict(),
  'models.export': z.object({ modelId: id, path: hostPath }).strict(),
  'models.setActive': z.object({ modelId: id, confirmWorse: z.boolean().optional() }).strict(),
  'models.trainPlan': z.object({ fromModel: id.optional() }).strict(),
  'jobs.segment': segmentParams,
  'jobs.train': trainParams,
  'jobs.evaluate': evaluateParams,
  'jobs.rank': z.object({ modelId: id.optional(), device: device.optional() }).strict(),
  'jobs.import': importParams,
  'reports.html': z.object({ reportId: id }).strict(),
  'jobs.list': noParams,
  'jobs.get': z.object({ jobId: id }).strict(),
  'jobs.cancel': z.object({ jobId: id }).strict(),
} satisfies { readonly [M in MethodName]: z.ZodType<Params<M>> };

/** Every method name, derived from the schema table (one place to add a method). */
export const METHOD_NAMES = Object.keys(PARAM_SCHEMAS) as readonly MethodName[];

export type ValidationResult<M extends MethodName> =
  | { readonly ok: true; readonly params: Params<M> }
  | { readonly ok: false; readonly error: SerializedError };

/** Validates one call's params; `undefined` counts as `{}` for methods without params. */
export function validateParams<M extends MethodName>(method: M, raw: unknown): ValidationResult<M> {
  const schema = PARAM_SCHEMAS[method] as z.ZodType<Params<M>>;
  const parsed = schema.safeParse(raw === undefined ? {} : raw);
  if (parsed.success) return { ok: true, params: parsed.data };
  const detail = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(params)'} ${i.message}`)
    .join('; ');
  return {
    ok: false,
    error: {
      name: 'LobuleError',
      code: 'E_INVALID_ARGUMENT',
      message: `${method}: invalid arguments: ${detail}`,
      hint: 'Fix the named field and call again',
    },
  };
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(PARAM_SCHEMAS, name);
}
