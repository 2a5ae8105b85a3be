/**
 * WindowCenter (0028,1050) / WindowWidth (0028,1051) of a DICOM image: the first value pair when the file lists
 * several (the primary window; the others are alternatives such as bone), from the top level or, for an enhanced
 * multi-frame object, its Frame VOI LUT functional group (0028,9132).
 */
import type { DataSet } from 'dicom-parser';
import type { DisplayWindow } from '../../common/display-window.js';
import { numbers } from './parse.js';

function firstPair(ds: DataSet | undefined): DisplayWindow | null {
  if (!ds) return null;
  const center = numbers(ds, 'x00281050')?.[0];
  const width = numbers(ds, 'x00281051')?.[0];
  return center !== undefined && width !== undefined && width > 0 ? { center, width } : null;
}

const item = (ds: DataSet | undefined, tag: string): DataSet | undefined => ds?.elements[tag]?.items?.[0]?.dataSet;

export function displayWindowOf(ds: DataSet): DisplayWindow | null {
  return firstPair(ds) ?? firstPair(item(item(ds, 'x52009229'), 'x00289132')) ?? firstPair(item(item(ds, 'x52009230'), 'x00289132'));
}
