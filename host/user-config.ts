/**
 * Lobule's per-user settings that must never live inside a workspace: the recently opened workspaces and the
 * `lobule serve` access token of each workspace (so a restarted server keeps open tabs working). Kept in the
 * OS's config folder (env-paths: ~/.config/lobule, ~/Library/Preferences/lobule, %APPDATA%\lobule\Config), or
 * in $LOBULE_CONFIG_DIR; the folder is owner-only (0700) and the token file too (0600).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/io/atomic.js';

const RECENT_FILE = 'recent-workspaces.json';
const TOKENS_FILE = 'serve-tokens.json';
const MAX_RECENT = 12;

export function userConfigDir(): string {
  return resolve(process.env.LOBULE_CONFIG_DIR ?? envPaths('lobule', { suffix: '' }).config);
}

async function ensureDir(): Promise<string> {
  const dir = userConfigDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700).catch(() => undefined); // Windows has no modes; its per-user profile is private already
  return dir;
}

async function readJson<T>(file: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(join(userConfigDir(), file), 'utf8')));
    return parsed.success ? parsed.data : fallback; // a damaged settings file is only a lost convenience
  } catch {
    return fallback;
  }
}

async function writePrivate(file: string, value: unknown): Promise<void> {
  const path = join(await ensureDir(), file);
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
  await chmod(path, 0o600).catch(() => undefined);
}

const recentSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));
export type RecentEntry = z.infer<typeof recentSchema>[number];

export async function recentWorkspaces(): Promise<RecentEntry[]> {
  return readJson(RECENT_FILE, recentSchema, []);
}

/** The workspace opened last, or undefined (read synchronously: hosts pick their folder before anything else). */
export function lastWorkspaceSync(): string | undefined {
  try {
    const parsed = recentSchema.safeParse(JSON.parse(readFileSync(join(userConfigDir(), RECENT_FILE), 'utf8')));
    return parsed.success ? parsed.data[0]?.path : undefined;
  } catch {
    return undefined;
  }
}

/** Puts `dir` first in the recent list. */
export async function rememberWorkspace(dir: string): Promise<void> {
  const path = resolve(dir);
  const list = (await recentWorkspaces()).filter((e) => e.path !== path);
  list.unshift({ path, name: basename(path), openedAt: new Date().toISOString() });
  await writePrivate(RECENT_FILE, list.slice(0, MAX_RECENT));
}

const tokensSchema = z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/));

/** The serve token of a workspace: the stored one, else a new random one that is stored (owner-only) for next time. */
export async function serveTokenFor(dir: string): Promise<string> {
  const path = resolve(dir);
  const tokens = await readJson(TOKENS_FILE, tokensSchema, {});
  if (tokens[path]) return tokens[path];
  const token = randomBytes(32).toString('hex');
  await writePrivate(TOKENS_FILE, { ...tokens, [path]: token });
  return token;
}
