/**
 * Whether WebGL runs on a software rasteriser (SwiftShader, llvmpipe, …: no GPU, as on many hospital PCs, VMs and
 * remote desktops). The viewer then skips what only a GPU draws at interactive speed (volume rendering in 3D).
 */
let cached: boolean | undefined;

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

export function softwareGl(): boolean {
  if (cached !== undefined) return cached;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return (cached = true);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  cached = SOFTWARE.test(renderer);
  return cached;
}
