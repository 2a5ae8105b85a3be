/**
 * The label layer of Cornerstone's CPU planar views (used without a GPU, cornerstoneSetup.ts), drawn here. Cornerstone
 * 5.14 draws it with a `CanvasActor` that has no outline (its property's `setUseLabelOutline` does nothing; the
 * outline exists only in the GPU shader), so Outline mode showed nothing; it also looks each labelled pixel's colour
 * up through a method and a Map, and smooths the layer when it enlarges it. This draws the same fill from a 256-entry
 * colour table, in Outline mode only the pixels within `width` pixels (along the row or column) of another value at
 * the outline opacity, as the GPU shader does, and without smoothing (sharp voxel edges, as the GPU draws labels).
 * The outline settings come from the viewer (LabelOverlay), not from Cornerstone's style, because Cornerstone skips
 * re-applying a style whose signature it has seen. Installed on the actor class of the first label layer found;
 * run-length (stack) labelmaps keep Cornerstone's own drawing.
 */

/** How the viewer wants the labels outlined; undefined: filled. */
export interface CpuLabelOutline {
  /** Outline thickness in slice pixels. */
  readonly width: number;
  /** 0..1. */
  readonly opacity: number;
  /** Label values whose segment is hidden (no outline drawn). */
  readonly hidden: ReadonlySet<number>;
}

let outline: CpuLabelOutline | undefined;

export function setCpuLabelOutline(next: CpuLabelOutline | undefined): void {
  outline = next;
}

/** The parts of Cornerstone's CanvasActor (5.14) that drawing uses. */
interface LabelActor {
  className?: string;
  visibility: boolean;
  image?: LabelImage | null;
  canvas?: OffscreenCanvas;
  cachedImageData?: ImageData;
  rasterDirty: boolean;
  hasCachedRaster: boolean;
  getImage(): LabelImage;
  getProperty(): { getColorBytes(index: number): readonly number[] };
  render(viewport: unknown, context: CanvasRenderingContext2D): void;
}

interface LabelImage {
  readonly width: number;
  readonly height: number;
  getScalarData(): ArrayLike<number> | undefined;
  readonly voxelManager?: { map?: { getRun?: unknown } };
}

const patched = new WeakSet<object>();

/** Replaces the drawing of this actor's class (once per class); anything that is not a CanvasActor is left alone. */
export function installCpuLabelLayer(actor: unknown): void {
  const a = actor as Partial<LabelActor> | undefined;
  if (!a || a.className !== 'CanvasActor' || typeof a.render !== 'function') return;
  const proto = Object.getPrototypeOf(a) as LabelActor;
  if (patched.has(proto)) return;
  patched.add(proto);
  const original = proto.render;
  proto.render = function (this: LabelActor, viewport: unknown, context: CanvasRenderingContext2D): void {
    if (!this.visibility) return;
    const image = this.image || this.getImage();
    const data = image.getScalarData();
    if (!data || image.voxelManager?.map?.getRun) {
      original.call(this, viewport, context);
      return;
    }
    drawLabels(this, image, data, context);
  };
}

function drawLabels(actor: LabelActor, image: LabelImage, data: ArrayLike<number>, context: CanvasRenderingContext2D): void {
  const { width, height } = image;
  let canvas = actor.canvas;
  if (!canvas || canvas.width !== width || canvas.height !== height) {
    actor.canvas = canvas = new OffscreenCanvas(width, height);
    actor.cachedImageData = undefined;
    actor.rasterDirty = true;
  }
  if (actor.rasterDirty) {
    const local = canvas.getContext('2d');
    if (!local) return;
    actor.cachedImageData ??= local.createImageData(width, height);
    const imageData = actor.cachedImageData;
    const visible = raster(new Uint32Array(imageData.data.buffer), data, width, height, colourTable(actor));
    if (visible) local.putImageData(imageData, 0, 0);
    else local.clearRect(0, 0, width, height);
    actor.hasCachedRaster = visible;
    actor.rasterDirty = false;
  }
  if (!actor.hasCachedRaster) return;
  // Voxel edges stay sharp when the slice is enlarged, as the GPU draws labels (nearest): a smoothed label layer
  // blurs into the CT around every edge and outline.
  context.imageSmoothingEnabled = false;
  context.drawImage(canvas, 0, 0);
}

/** RGBA of each label value packed for a little-endian Uint32 view of ImageData: fill, and outline where asked. */
function colourTable(actor: LabelActor): { fill: Uint32Array; edge: Uint32Array; width: Uint8Array } {
  const props = actor.getProperty();
  const fill = new Uint32Array(256);
  const edge = new Uint32Array(256);
  const width = new Uint8Array(256);
  const pack = (r: number, g: number, b: number, a: number): number => (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
  for (let v = 1; v < 256; v++) {
    const [r, g, b, a] = props.getColorBytes(v);
    fill[v] = pack(r, g, b, a);
    if (outline && !outline.hidden.has(v)) {
      edge[v] = pack(r, g, b, Math.round(Math.min(1, Math.max(0, outline.opacity)) * 255));
      width[v] = outline.width;
    }
  }
  return { fill, edge, width };
}

/** Writes the layer's pixels; a pixel is an edge when a different value lies within its label's width. */
function raster(
  out: Uint32Array,
  data: ArrayLike<number>,
  w: number,
  h: number,
  table: { fill: Uint32Array; edge: Uint32Array; width: Uint8Array },
): boolean {
  const { fill, edge, width } = table;
  let any = false;
  for (let y = 0, p = 0; y < h; y++) {
    for (let x = 0; x < w; x++, p++) {
      const v = data[p];
      if (!v) {
        out[p] = 0;
        continue;
      }
      any = true;
      const t = width[v];
      out[p] = t && isEdge(data, p, x, y, w, h, v, t) ? edge[v] : fill[v];
    }
  }
  return any;
}

function isEdge(data: ArrayLike<number>, p: number, x: number, y: number, w: number, h: number, v: number, t: number): boolean {
  for (let d = 1; d <= t; d++) {
    if (x - d < 0 || x + d >= w || y - d < 0 || y + d >= h) return true;
    if (data[p - d] !== v || data[p + d] !== v || data[p - d * w] !== v || data[p + d * w] !== v) return true;
  }
  return false;
}
