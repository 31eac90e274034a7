/**
 * The options every load bench takes, spread into its own parseArgs so a
 * typo still fails: rounds (medians are taken over them), seconds per run,
 * and client connections.
 */
export const LOAD_OPTIONS = {
  rounds: { type: 'string', default: '3' },
  seconds: { type: 'string', default: '8' },
  connections: { type: 'string', default: '50' },
} as const;

export function loadSettings(values: { rounds?: string; seconds?: string; connections?: string }): { rounds: number; seconds: number; connections: number } {
  return { rounds: Number(values.rounds), seconds: Number(values.seconds), connections: Number(values.connections) };
}
