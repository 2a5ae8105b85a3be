/**
 * Cornerstone tool groups of the views and what the mouse buttons do: the primary button follows the chosen
 * navigation or measurement tool; wheel scrolls slices, right drag zooms, middle drag pans (as in most PACS).
 */
import { ToolGroupManager, Enums as ToolEnums } from '@cornerstonejs/tools';
import { VIEW_TOOLS } from './viewTools.js';
import { MPR_TOOL_GROUP, MPR_VIEWS, RENDERING_ENGINE_ID, THREE_TOOL_GROUP } from './viewports.js';

/** What the primary mouse button does in the 2D views: the tool of that name. */
export type NavigationMode = 'windowLevel' | 'crosshairs' | 'pan' | 'zoom' | 'length' | 'ellipse';

const { windowLevel, crosshairs, pan, zoom, length, ellipse, stackScroll, trackballRotate, orientationMarker } = VIEW_TOOLS;

const { Primary, Secondary, Auxiliary, Wheel } = ToolEnums.MouseBindings;

/** (Re)creates both tool groups; the 3D group rotates, zooms and pans and carries the orientation cube. */
export function createToolGroups(): void {
  ToolGroupManager.destroyToolGroup(MPR_TOOL_GROUP);
  ToolGroupManager.destroyToolGroup(THREE_TOOL_GROUP);
  const mpr = ToolGroupManager.createToolGroup(MPR_TOOL_GROUP);
  const three = ToolGroupManager.createToolGroup(THREE_TOOL_GROUP);
  if (!mpr || !three) throw new Error('Cornerstone tool groups could not be created');
  for (const name of [windowLevel.toolName, pan.toolName, zoom.toolName, stackScroll.toolName]) mpr.addTool(name);
  mpr.addTool(length.toolName);
  mpr.addTool(ellipse.toolName, { centerPointRadius: 0 });
  mpr.addTool(crosshairs.toolName, { getReferenceLineColor: () => 'rgb(255, 200, 60)', mobile: { enabled: false } });
  for (const id of MPR_VIEWS) mpr.addViewport(id, RENDERING_ENGINE_ID);
  for (const name of [trackballRotate.toolName, zoom.toolName, pan.toolName]) three.addTool(name);
  three.addTool(orientationMarker.toolName, { overlayMarkerType: orientationMarker.OVERLAY_MARKER_TYPES.ANNOTATED_CUBE });
  three.addViewport('three', RENDERING_ENGINE_ID);
  three.setToolActive(trackballRotate.toolName, { bindings: [{ mouseButton: Primary }] });
  three.setToolActive(zoom.toolName, { bindings: [{ mouseButton: Secondary }] });
  three.setToolActive(pan.toolName, { bindings: [{ mouseButton: Auxiliary }] });
  mpr.setToolActive(zoom.toolName, { bindings: [{ mouseButton: Secondary }] });
  mpr.setToolActive(pan.toolName, { bindings: [{ mouseButton: Auxiliary }] });
  mpr.setToolActive(stackScroll.toolName, { bindings: [{ mouseButton: Wheel }] });
}

/** The orientation cube is a second renderer in the 3D view: switched on once the view has content. */
export function enableOrientationCube(): void {
  ToolGroupManager.getToolGroup(THREE_TOOL_GROUP)?.setToolEnabled(orientationMarker.toolName);
}

/**
 * Binds the primary button of the 2D views to `mode`. Drawn measurements stay visible whatever the mode; the
 * crosshair lines show only while the crosshairs tool is chosen (passive, their lines would catch every press
 * near the image centre and cover the anatomy a reader looks at).
 */
export function bindPrimary(mode: NavigationMode): void {
  const mpr = ToolGroupManager.getToolGroup(MPR_TOOL_GROUP);
  if (!mpr) return;
  for (const name of [windowLevel.toolName, length.toolName, ellipse.toolName]) mpr.setToolPassive(name);
  if (mode !== 'crosshairs') mpr.setToolDisabled(crosshairs.toolName);
  const primary = [{ mouseButton: Primary }];
  if (mode === 'pan') mpr.setToolActive(pan.toolName, { bindings: [...primary, { mouseButton: Auxiliary }] });
  else if (mode === 'zoom') mpr.setToolActive(zoom.toolName, { bindings: [...primary, { mouseButton: Secondary }] });
  else mpr.setToolActive(VIEW_TOOLS[mode].toolName, { bindings: primary });
  if (mode !== 'pan') mpr.setToolActive(pan.toolName, { bindings: [{ mouseButton: Auxiliary }] });
  if (mode !== 'zoom') mpr.setToolActive(zoom.toolName, { bindings: [{ mouseButton: Secondary }] });
}
