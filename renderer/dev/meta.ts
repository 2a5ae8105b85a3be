import { createHttpClient } from '/work/main/engine/api/http-client.ts';
const u = new URL('http://127.0.0.1:42943/?token=f57ae2d8bd73666128db4b6dff989c8e4fe1e49c36bc35fcf67f62ce0ad6a8ae');
const api = createHttpClient({ baseUrl: u.origin, token: u.searchParams.get('token')! });
console.log(await api.volumes.imageMeta({ caseId: 'caseA' }));
console.log(await api.volumes.labelMeta({ caseId: 'caseA' }));
console.log(await api.models.list());
api.close();
