/**
 * Development only: an in-memory LobuleApi with one synthetic CT (body, liver-like blob, spine) so the UI can be
 * worked on without a host. Not part of the built renderer and not used by the tests.
 */
import { createApi, type ApiTransport } from '../../engine/api/client.js';
import { METHOD_NAMES, type CaseSummary, type EventName, type LabelVersion, type VolumeMeta } from '../../engine/api/contract.js';

export function createFakeApi(n: number) {
  const dims = [n, n, Math.round(n * 0.6)] as const;
  const total = dims[0] * dims[1] * dims[2];
  const image = new Int16Array(total);
  const label = new Uint8Array(total);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const x = i / n - 0.5, y = j / n - 0.5, z = k / dims[2] - 0.5;
        const idx = i + dims[0] * (j + dims[1] * k);
        let hu = -1000;
        if ((x * x) / 0.16 + (y * y) / 0.1 < 1) hu = 20 + ((i * 7 + j * 13 + k * 3) % 30);
        if ((x + 0.12) ** 2 + (y + 0.05) ** 2 + z * z * 0.3 < 0.03) { hu = 80 + ((i + j) % 20); label[idx] = 1; }
        if (x * x + (y - 0.22) ** 2 < 0.0025) hu = 700;
        image[idx] = hu;
      }
  const s = 400 / n;
  const meta = (kind: 'image' | 'label'): VolumeMeta => ({
    caseId: 'synthetic', kind, version: kind === 'label' ? 'v1' : null, dims, dtype: kind === 'image' ? 'int16' : 'uint8',
    affine: [s, 0, 0, -200, 0, s, 0, -200, 0, 0, 2.5, -100, 0, 0, 0, 1], spacing: [s, s, 2.5], orientation: 'RAS',
    min: -1000, max: 800, byteLength: kind === 'image' ? total * 2 : total,
  });
  let versions: LabelVersion[] = [{ id: 'v1', caseId: 'synthetic', parent: null, author: 'dev', source: 'import', createdAt: new Date().toISOString(), sha256: '', voxelCounts: {} }];
  const summary = (): CaseSummary => ({ id: 'synthetic', name: 'synthetic.nii.gz', status: 'draft', split: 'train', locked: false, labelVersionCount: versions.length, latestLabelVersion: versions.at(-1)?.id ?? null, dims });
  const handlers: Record<string, (p: Record<string, unknown>) => unknown> = {
    'host.info': () => ({ host: 'serve', version: 'dev', platform: 'browser', nativeDialogs: false }),
    'workspace.info': () => ({ name: 'dev', root: '/dev', caseCount: 1, activeModel: null, lastOpenCase: null, testSplitLocked: false }),
    'workspace.cases': () => [summary(), { ...summary(), id: 'locked', name: 'locked-test.nii.gz', split: 'test', locked: true, status: 'verified' }],
    'models.list': () => [],
    'volumes.imageMeta': () => meta('image'),
    'volumes.labelMeta': () => meta('label'),
    'labels.journalInfo': () => null,
    'workspace.setLastOpenCase': () => null,
    'labels.save': (p) => {
      const v: LabelVersion = { ...versions[0], id: `v${versions.length + 1}`, parent: p.parent as string, createdAt: new Date().toISOString() };
      label.set(p.data as Uint8Array);
      versions = [...versions, v];
      return v;
    },
    'labels.writeJournal': () => ({ caseId: 'synthetic', baseVersion: null, savedAt: new Date().toISOString(), byteLength: total }),
  };
  const transport: ApiTransport = {
    async call(method, params) {
      const h = handlers[method];
      if (!h) throw { name: 'LobuleError', code: 'E_UNSUPPORTED', message: `${method} is not in the dev fake` };
      return h((params ?? {}) as Record<string, unknown>);
    },
    async readBinary(method) {
      return method === 'volumes.imageBytes' ? image.slice().buffer : label.slice().buffer;
    },
    subscribe(_sink: (event: EventName, payload: unknown) => void) {
      return () => undefined;
    },
  };
  return createApi(transport, METHOD_NAMES);
}
