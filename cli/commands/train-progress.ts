/** The terminal view of a training run: one redrawn line with a bar, loss, lr, steps/s and ETA, plus lines for validations. */
import type { TrainEvent } from '../../engine/training/run/events.js';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

export class ProgressBar {
  private live = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  private line(text: string): void {
    if (this.live && this.out.isTTY) this.out.write('\r\x1b[2K');
    else if (this.live) this.out.write('\n');
    this.out.write(text + '\n');
    this.live = false;
  }

  private redraw(text: string): void {
    if (!this.out.isTTY) return; // a log file gets the validation lines only
    this.out.write('\r\x1b[2K' + text);
    this.live = true;
  }

  update(e: TrainEvent): void {
    switch (e.type) {
      case 'start':
        this.line(`run ${e.runId}${e.resumed ? ' (resumed)' : ''}: ${e.train} train, ${e.val} val cases; folder ${e.runDir}`);
        break;
      case 'preprocess':
        this.redraw(`preprocessing ${e.done}/${e.total} (${e.caseId})`);
        break;
      case 'device':
        this.line(`training on ${e.device}`);
        break;
      case 'stage':
        this.line(
          `${e.stage} stage: ${e.totalSteps} steps (${e.stepsPerEpoch} per epoch)${
            e.secondsBudget !== null ? `, at most ${(e.secondsBudget / 60).toFixed(1)} min` : ''
          }, from step ${e.startStep}`,
        );
        break;
      case 'time-up':
        this.line(`${e.stage}: the ${e.minutes.toFixed(1)}-minute budget is used up at step ${e.step}; keeping the best model`);
        break;
      case 'compare':
        this.redraw(`comparing on val cases: ${e.model} ${e.done}/${e.total} (${e.caseId})`);
        break;
      case 'step': {
        const width = 24;
        const filled = Math.round((e.step / e.totalSteps) * width);
        this.redraw(
          `${e.stage} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.step}/${e.totalSteps} ep ${e.epoch} ` +
            `loss ${e.loss.toFixed(4)} lr ${e.lr.toExponential(2)} ${e.stepsPerS.toFixed(2)} step/s ETA ${clock(e.etaS)}`,
        );
        break;
      }
      case 'validation':
        this.line(
          `${e.stage} epoch ${e.epoch}: val Dice ${e.mean.toFixed(4)}${e.best ? ' (best)' : ''}  ${Object.entries(e.dice)
            .map(([k, v]) => `${k} ${v.toFixed(4)}`)
            .join(', ')}`,
        );
        break;
      case 'early-stop':
        this.line(`${e.stage}: no improvement since epoch ${e.bestEpoch}; stopping early at epoch ${e.epoch}`);
        break;
      case 'checkpoint':
      case 'done':
        break;
    }
  }

  finish(): void {
    if (this.live) this.out.write('\n');
    this.live = false;
  }
}
