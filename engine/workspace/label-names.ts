/**
 * The workspace's named labels (segments): value, name and colour, kept in the manifest so every case shows the
 * same labels in the same order and colour. Functions edit a draft manifest; the Workspace commits it. Label
 * values inside saved versions are never rewritten here: removing a name only forgets the name.
 */
import { LobuleError } from '../errors.js';
import type { Manifest } from './manifest.js';
import type { LabelUsage, NamedLabel } from '../common/named-label.js';

export type { LabelUsage, NamedLabel };

const NAME = /^[^\0-\x1f]{1,64}$/;
const COLOR = /^#[0-9a-f]{6}$/;

/** Foreground labels (value ≥ 1) by value. */
export function namedLabels(m: Manifest): NamedLabel[] {
  return Object.entries(m.labelNames)
    .filter(([, v]) => v !== 0)
    .sort((a, b) => a[1] - b[1])
    .map(([name, value]) => ({ value, name, color: m.labelColors[String(value)] ?? null }));
}

function nameOf(m: Manifest, value: number): string | undefined {
  return Object.entries(m.labelNames).find(([, v]) => v === value)?.[0];
}

function checkName(m: Manifest, name: string, except?: number): string {
  const n = name.trim();
  if (!NAME.test(n)) throw new LobuleError('E_INVALID_ARGUMENT', `label name '${name}' must be 1 to 64 printable characters`);
  const clash = Object.entries(m.labelNames).find(([k, v]) => k.toLowerCase() === n.toLowerCase() && v !== except);
  if (clash)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `the workspace already has a label named '${clash[0]}' (value ${clash[1]})`,
      'Choose another name',
    );
  return n;
}

function checkColor(color: string): string {
  const c = color.toLowerCase();
  if (!COLOR.test(c)) throw new LobuleError('E_INVALID_ARGUMENT', `label colour '${color}' is not #rrggbb`);
  return c;
}

function requireValue(m: Manifest, value: number): string {
  const name = nameOf(m, value);
  if (name === undefined || value === 0) {
    throw new LobuleError(
      'E_NOT_FOUND',
      `the workspace has no label with value ${value}`,
      `Its labels: ${
        namedLabels(m)
          .map((l) => `${l.value} ${l.name}`)
          .join(', ') || 'none'
      }`,
    );
  }
  return name;
}

/** Adds a label at the lowest free value (or `value`), returns it. */
export function addLabelName(m: Manifest, name: string, color?: string, value?: number): NamedLabel {
  const n = checkName(m, name);
  const taken = new Set(Object.values(m.labelNames));
  let v = value;
  if (v === undefined) for (v = 1; taken.has(v) && v < 256; v++);
  if (!(Number.isInteger(v) && v >= 1 && v <= 255)) throw new LobuleError('E_INVALID_ARGUMENT', `label value ${v} is not 1..255`);
  if (taken.has(v))
    throw new LobuleError('E_INVALID_ARGUMENT', `label value ${v} is already '${nameOf(m, v)}'`, 'Rename that label instead');
  m.labelNames[n] = v;
  if (color !== undefined) m.labelColors[String(v)] = checkColor(color);
  return { value: v, name: n, color: m.labelColors[String(v)] ?? null };
}

export function renameLabelName(m: Manifest, value: number, name: string): NamedLabel {
  const old = requireValue(m, value);
  const n = checkName(m, name, value);
  delete m.labelNames[old];
  m.labelNames[n] = value;
  return { value, name: n, color: m.labelColors[String(value)] ?? null };
}

export function recolorLabel(m: Manifest, value: number, color: string): NamedLabel {
  const name = requireValue(m, value);
  m.labelColors[String(value)] = checkColor(color);
  return { value, name, color: m.labelColors[String(value)] };
}

/** Where a label value has voxels now (latest version of each case). */
export function labelUsage(m: Manifest, value: number): LabelUsage {
  let voxels = 0;
  const cases: string[] = [];
  for (const c of m.cases) {
    const n = c.labels.at(-1)?.voxelCounts[String(value)] ?? 0;
    if (n > 0) {
      voxels += n;
      cases.push(c.id);
    }
  }
  return { value, voxels, cases };
}

/**
 * Forgets a label's name and colour. A label that still has voxels is only removed when the caller confirms
 * that count (`confirmVoxels`), so a question was asked with the right number. The voxels stay in the saved
 * versions (they are immutable) and show as an unnamed value until erased.
 * @throws LobuleError E_INVALID_ARGUMENT naming the voxel and case counts when unconfirmed, or for the workspace's
 *   liver label (a liver workspace always keeps it; rename it instead).
 */
export function removeLabelName(m: Manifest, value: number, confirmVoxels?: number): LabelUsage {
  const name = requireValue(m, value);
  if (name.toLowerCase() === 'liver') {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `'${name}' is the label of this liver workspace and stays`,
      'Rename or recolour it instead',
    );
  }
  const usage = labelUsage(m, value);
  if (usage.voxels > 0 && confirmVoxels !== usage.voxels) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `label '${name}' has ${usage.voxels} voxel${usage.voxels === 1 ? '' : 's'} in ${usage.cases.length} ` +
        `case${usage.cases.length === 1 ? '' : 's'}`,
      `Confirm that count to remove the name; the voxels stay in the saved versions`,
    );
  }
  delete m.labelNames[name];
  delete m.labelColors[String(value)];
  return usage;
}
