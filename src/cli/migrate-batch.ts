import type { Io } from './main.ts';
import type { MigrateFlags } from './migrate.ts';
export async function runBatch(_dir: string, _flags: MigrateFlags, _io: Io): Promise<number> {
  return 2;
}
