import { environmentPage } from './environment.ts';
import { exitCodesPage } from './exit-codes.ts';
import { metricsPage } from './metrics.ts';
import { redisCommandsPage } from './redis-commands.ts';

/** Where the generated references live, relative to the repository root. */
export const REFERENCE_DIR = 'docs/reference';

/** Every generated reference page: file name under docs/reference/ → its text. */
export async function referencePages(): Promise<Map<string, string>> {
  return new Map([
    ['redis-commands.md', redisCommandsPage()],
    ['metrics.md', await metricsPage()],
    ['environment.md', environmentPage()],
    ['exit-codes.md', exitCodesPage()],
  ]);
}
