/**
 * `os-datastore migrate export --from URL --out DUMP_DIR [--api-key KEY] [--datasets a,b]`.
 * Exit 0 when every dataset was exported (or kept from a previous run, or skipped as private
 * without a key), 1 when some failed (re-run to go on), 2 when the site cannot be read at all.
 */

import { visible } from '../escape.ts';
import { exportDump } from '../migrate/export.ts';
import { readMigrateEnv } from '../config/migrate.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';

export interface ExportFlags {
  from: string;
  out: string;
  apiKey?: string;
  datasets?: string;
  json?: boolean;
  refresh?: boolean;
}

export async function runExport(flags: ExportFlags, io: Io): Promise<number> {
  let url: URL;
  try {
    url = new URL(flags.from);
  } catch {
    throw new UsageError(`--from ${flags.from}: not a URL; give the old site's address, e.g. https://openspending.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--from ${flags.from}: expected an http(s) URL`);
  const datasets = flags.datasets
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const settings = readMigrateEnv(io.env);
  const apiKey = flags.apiKey ?? settings.apiKey;
  const { tries, backoffMs } = settings;
  // Not an old OpenSpending site, or nothing but 5xx: an HttpFailure, a user error (exit 2).
  const report = await exportDump({
    from: url.href,
    out: flags.out,
    ...(apiKey ? { apiKey } : {}),
    ...(datasets ? { datasets } : {}),
    refresh: flags.refresh,
    ...(tries ? { tries } : {}),
    ...(backoffMs !== undefined ? { backoffMs } : {}),
    onDataset: (name, status) => {
      if (!flags.json) io.stderr(`${status}: ${visible(name)}\n`);
    },
  });
  if (flags.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else {
    for (const d of report.datasets) {
      io.stdout(
        `${d.status.padEnd(16)} ${visible(d.name)}${d.problems.length ? `: ${d.problems.map((p) => `${p.code}${p.source ? ` (source ${p.source})` : ''}${p.detail ? ` ${visible(p.detail)}` : ''}`).join('; ')}` : ''}\n`,
      );
    }
    io.stdout(
      `\n${Object.entries(report.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}; dump in ${visible(flags.out)} (convert it with: os-datastore migrate ${visible(flags.out)} --out DIR)\n`,
    );
  }
  return report.datasets.some((d) => d.status === 'failed') ? 1 : 0;
}
