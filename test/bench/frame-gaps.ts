// Frame gaps of a console page: the time between consecutive animation frames while the page
// works (a gap over ~50 ms is a visible stall). Started before the work, read after it; used by the
// console benchmark at 10k and 150k tasks.
import type { Page } from 'playwright-core';

/** Starts recording the gaps between the page's animation frames. */
export async function startFrameGaps(page: Page): Promise<void> {
  await page.evaluate(() => {
    // runs in the page (DOM types are not in this project's lib)
    const g = globalThis as unknown as { __gaps: number[]; __stop: boolean; requestAnimationFrame(f: (t: number) => void): void };
    g.__gaps = [];
    g.__stop = false;
    let last = performance.now();
    const f = (t: number) => {
      g.__gaps.push(t - last);
      last = t;
      if (!g.__stop) g.requestAnimationFrame(f);
    };
    g.requestAnimationFrame(f);
  });
}

/** Stops recording and returns the gaps in ms (the first, from the start to a frame, left out). */
export async function stopFrameGaps(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __gaps: number[]; __stop: boolean };
    g.__stop = true;
    return g.__gaps.slice(1);
  });
}
