/** The active tool and the brush settings (reactive UI state; the voxel work is in LabelmapEditor). */
import { TOOLS, type ToolId } from './tools.js';

export class EditTools {
  tool = $state<ToolId>('windowLevel');
  radiusMm = $state(5);
  shape = $state<'circle' | 'sphere'>('circle');
  /** Segment value painted by brush and threshold brush. */
  segment = $state(1);
  thresholdMin = $state(-100);
  thresholdMax = $state(250);
  readonly edits = $derived(TOOLS.find((t) => t.id === this.tool)?.edits ?? false);

  /** Called with the new tool after every switch (the viewer rebinds Cornerstone's tools). */
  readonly #onToolChange: (tool: ToolId) => void;
  constructor(onToolChange: (tool: ToolId) => void) {
    this.#onToolChange = onToolChange;
  }

  setTool(tool: ToolId): void {
    this.tool = tool;
    this.#onToolChange(tool);
  }

  nudgeRadius(direction: 1 | -1): void {
    const steps = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50];
    const i = steps.findIndex((s) => s >= this.radiusMm);
    const next = steps[Math.min(steps.length - 1, Math.max(0, (i < 0 ? steps.length - 1 : i) + direction))];
    this.radiusMm = next;
  }

  /** Value written by the current tool (eraser writes background). */
  paintValue(): number {
    return this.tool === 'eraser' ? 0 : this.segment;
  }

  intensityRange(): readonly [number, number] | undefined {
    return this.tool === 'threshold' ? [this.thresholdMin, this.thresholdMax] : undefined;
  }
}
