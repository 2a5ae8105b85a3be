/**
 * The window a source file asks to be shown with (DICOM WindowCenter / WindowWidth), kept with the case so the
 * viewer opens it the way the scanner's reading station would. Shared by the manifest, the contract and the reader.
 */
import { z } from 'zod';

export const displayWindowSchema = z.object({
  /** Window centre (level), in the image's values (HU for CT). */
  center: z.number().finite(),
  /** Window width, > 0. */
  width: z.number().finite().positive(),
});
export type DisplayWindow = z.infer<typeof displayWindowSchema>;
