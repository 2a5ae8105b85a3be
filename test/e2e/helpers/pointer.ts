/**
 * Mouse gestures on a view as a user makes them: positions are fractions of the element's box, so a test says
 * "from 40 % to 60 % across, at mid-height" whatever the layout's pixel size is.
 */
import type { Page } from 'playwright-core';

/** A point in a view: [x, y] as fractions 0..1 of its width and height. */
export type ViewPoint = readonly [number, number];

/** Presses at `from`, moves in `steps` mouse moves (as a hand makes several) to `to`, releases: a brush stroke, a drag. */
export async function dragInView(page: Page, testId: string, from: ViewPoint, to: ViewPoint, steps = 1): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not on the page`);
  const at = ([fx, fy]: ViewPoint): [number, number] => [box.x + box.width * fx, box.y + box.height * fy];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps });
  await page.mouse.up();
}
