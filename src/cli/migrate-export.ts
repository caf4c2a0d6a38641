import type { Io } from './main.ts';
export async function runExport(_flags: { from: string; out: string }, _io: Io): Promise<number> {
  return 2;
}
