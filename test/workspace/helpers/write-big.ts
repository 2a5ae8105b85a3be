/** Child of disk-faults.test.ts: run under `ulimit -f`, writes 64 KiB atomically and prints how that failed. */
import { writeFileAtomic } from '../../../engine/io/atomic.js';

try {
  await writeFileAtomic(process.argv[2], Buffer.alloc(64 << 10, 7));
  console.log(JSON.stringify({ code: 'none' }));
} catch (e) {
  const err = e as { code?: string; message?: string };
  console.log(JSON.stringify({ code: err.code, message: err.message }));
}
