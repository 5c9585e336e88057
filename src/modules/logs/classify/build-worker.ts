// Builds the category table on a thread of its own: reading and hashing the lists (~0.2 s for UT1's)
// then overlaps the main thread's start-up instead of delaying it. The table's memory is shared, so
// sending it back copies only the small `urls` rules.
import { parentPort, workerData } from 'node:worker_threads';
import { buildCategoryTable } from './lists.ts';

const { dirs } = (workerData as { data: { dirs: readonly string[] } }).data;
parentPort?.postMessage(await buildCategoryTable(dirs));
