/**
 * Sparse record of voxel changes for undo/redo: flat index, value before, value after. Growable typed buffers,
 * because a fill-holes or model result can touch millions of voxels and JS arrays of numbers would cost 8× more.
 */
let nextId = 1;

export class ChangeLog {
  /** Unique per step: the editor's state id is the id of the newest applied step. */
  readonly id = nextId++;
  #index = new Uint32Array(1024);
  #before = new Uint8Array(1024);
  #after = new Uint8Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(index: number, before: number, after: number): void {
    if (this.#length === this.#index.length) this.#grow();
    this.#index[this.#length] = index;
    this.#before[this.#length] = before;
    this.#after[this.#length] = after;
    this.#length++;
  }

  /** Writes the recorded values back (before for undo, after for redo), newest first for undo. */
  apply(direction: 'undo' | 'redo', onWrite: (index: number, from: number, to: number) => void): void {
    if (direction === 'undo') {
      for (let n = this.#length - 1; n >= 0; n--) onWrite(this.#index[n], this.#after[n], this.#before[n]);
    } else {
      for (let n = 0; n < this.#length; n++) onWrite(this.#index[n], this.#before[n], this.#after[n]);
    }
  }

  #grow(): void {
    const size = this.#index.length * 2;
    const index = new Uint32Array(size);
    index.set(this.#index);
    const before = new Uint8Array(size);
    before.set(this.#before);
    const after = new Uint8Array(size);
    after.set(this.#after);
    this.#index = index;
    this.#before = before;
    this.#after = after;
  }
}
