/**
 * The Cornerstone tools the views use, named once: cornerstoneSetup.ts registers every one of them, and
 * toolBindings.ts puts them in the tool groups and binds them to the mouse (the keys of the 2D navigation tools
 * are the navigation modes' names).
 */
import {
  EllipticalROITool,
  LengthTool,
  OrientationMarkerTool,
  PanTool,
  StackScrollTool,
  TrackballRotateTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { LobuleWindowLevelTool } from './windowLevelTool.js';
import { LobuleCrosshairsTool } from './crosshairsTool.js';

export const VIEW_TOOLS = {
  windowLevel: LobuleWindowLevelTool,
  crosshairs: LobuleCrosshairsTool,
  pan: PanTool,
  zoom: ZoomTool,
  length: LengthTool,
  ellipse: EllipticalROITool,
  stackScroll: StackScrollTool,
  trackballRotate: TrackballRotateTool,
  orientationMarker: OrientationMarkerTool,
} as const;
