// Development page: the workstation on an in-memory API with a synthetic CT (vite dev server, /dev/index.html).
import { boot } from '../src/app/boot.js';
import { createFakeApi } from './fakeApi.js';

const n = Number(new URLSearchParams(location.search).get('n') ?? 192);
boot(createFakeApi(n));
// Cornerstone modules for poking at from the devtools console / Playwright.
(globalThis as Record<string, unknown>).cst = await import('@cornerstonejs/tools');
(globalThis as Record<string, unknown>).csc = await import('@cornerstonejs/core');
