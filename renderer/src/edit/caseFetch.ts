/**
 * The requests that open a case (CT meta and bytes, latest label version), apart from the session built on them,
 * so that the page can start them for the case it will reopen before the app's bundle has even loaded (main.ts).
 * This module imports nothing heavier than the API contract for that reason.
 */
import { ApiError, type CaseId, type LobuleApi, type VolumeMeta } from '../../../engine/api/contract.js';

export interface CaseParts {
  readonly meta: VolumeMeta;
  readonly imageBytes: ArrayBuffer;
  /** The latest label version, or null when the case has none yet. */
  readonly label: { readonly meta: VolumeMeta; readonly bytes: ArrayBuffer } | null;
}

/** Fetches image and latest label in parallel. */
export async function fetchCaseParts(api: LobuleApi, caseId: CaseId): Promise<CaseParts> {
  const [meta, imageBytes, label] = await Promise.all([
    api.volumes.imageMeta({ caseId }),
    api.volumes.imageBytes({ caseId }),
    latestLabel(api, caseId),
  ]);
  return { meta, imageBytes, label };
}

async function latestLabel(api: LobuleApi, caseId: CaseId): Promise<CaseParts['label']> {
  try {
    const meta = await api.volumes.labelMeta({ caseId });
    const bytes = await api.volumes.labelBytes({ caseId, version: meta.version ?? undefined });
    return { meta, bytes };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'E_NOT_FOUND') return null;
    throw e;
  }
}

/** A case's parts requested ahead of opening it; handed out once, to the open of that case. */
export class EarlyCase {
  #parts: Promise<CaseParts> | null;

  private constructor(
    readonly caseId: CaseId,
    parts: Promise<CaseParts>,
  ) {
    this.#parts = parts;
    parts.catch(() => undefined); // reported by the open that takes it; never an unhandled rejection
  }

  /**
   * Starts fetching the case the workspace reopens (WorkspaceInfo.reopenCase); null when there is none or the
   * host has no workspace open yet.
   */
  static async start(api: LobuleApi): Promise<EarlyCase | null> {
    try {
      const { reopenCase } = await api.workspace.info();
      return reopenCase ? new EarlyCase(reopenCase, fetchCaseParts(api, reopenCase)) : null;
    } catch {
      return null; // the app reports why when it asks for the workspace itself
    }
  }

  /** The parts when `caseId` is this case and they were not taken yet; after any call, this holds nothing. */
  take(caseId: CaseId): Promise<CaseParts> | null {
    const parts = caseId === this.caseId ? this.#parts : null;
    this.#parts = null;
    return parts;
  }
}
