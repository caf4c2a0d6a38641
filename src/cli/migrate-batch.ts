/**
 * `os-datastore migrate DUMP_DIR --out DIR`: every dataset of a dump, with a progress bar on a
 * terminal, a final table (or one JSON document with --json), and the report written to
 * `DIR/migration-report.json` (`migration-report.shard-K-of-N.json` for a shard). With
 * --publish each valid package goes through the publish pipeline, and with --registry it is
 * listed in a local registry folder.
 */

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import cliProgress from 'cli-progress';
import { visible } from '../escape.ts';
import { runMigration, type BatchReport, type DatasetOutcome } from '../migrate/batch.ts';
import { parseShard } from '../migrate/shard.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import { coreOrgOf, parseClassify, readOwnerMap, type MigrateFlags } from './migrate.ts';

export async function runBatch(dump: string, flags: MigrateFlags, io: Io): Promise<number> {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (typeof shard === 'string') throw new UsageError(shard);
  for (const f of ['owner', 'name', 'currency', 'force'] as const) {
    if (flags[f])
      throw new UsageError(
        `--${f} is for one model.json; for a dump use --owner-map FILE${f === 'force' ? ' (finished datasets are kept; remove a folder to convert it again)' : ''}`,
      );
  }
  if (flags.createRepos && !flags.publish) throw new UsageError('--create-repos pushes published packages: give --publish too');
  if (flags.lfsThreshold !== undefined && !flags.createRepos)
    throw new UsageError('--lfs-threshold is for the repositories --create-repos ORG makes: give --create-repos too');
  if (flags.createRepos) (await import('./migrate-publish.ts')).lfsThresholdOf(flags, io);
  const ownerMap = await readOwnerMap(flags.ownerMap);
  const classify = parseClassify(flags.classify);

  const publishing =
    (flags.publish || flags.registry) && !flags.dryRun
      ? await import('./migrate-publish.ts').then((m) => m.openPublishing(flags, io))
      : null;
  const showBar = io.isTTY && Boolean(process.stderr.isTTY) && flags.progress !== false && !flags.json;
  const bar = showBar
    ? new cliProgress.SingleBar(
        { format: 'migrate {bar} {value}/{total} {dataset}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let report: BatchReport;
  try {
    if (!flags.dryRun) await mkdir(flags.out, { recursive: true });
    report = await runMigration({
      dump,
      out: flags.out,
      includePrivate: flags.includePrivate,
      dryRun: flags.dryRun,
      ownerMap,
      coreOrg: coreOrgOf(io),
      ...(flags.createRepos ? { ownerOrg: flags.createRepos } : {}),
      shard,
      strict: flags.strict,
      classify,
      // --registry alone lists what earlier runs (the shards of a matrix) converted and published.
      convert: !(flags.registry && !flags.publish),
      onPlan: (total, names) => bar?.start(total, 0, { dataset: names[0] ?? '' }),
      onDataset: (o) => {
        if (bar) bar.increment(1, { dataset: visible(o.name).slice(0, 40) });
        else if (!flags.json && !io.isTTY) io.stderr(`${o.status}: ${visible(o.name)}${o.reason ? ` (${o.reason})` : ''}\n`);
      },
      ...(publishing ? { afterConvert: publishing.afterConvert } : {}),
    });
  } finally {
    bar?.stop();
    if (publishing) await publishing.close();
  }
  if (publishing) await publishing.finish(report);
  if (flags.dryRun && flags.createRepos) {
    for (const d of report.datasets)
      if (d.status === 'planned' && d.out)
        d.publish = {
          status: 'planned',
          repository: `would create ${flags.createRepos}/${basename(d.out)} and push the package (reused if it already holds it)`,
        };
  }
  if (!flags.dryRun) {
    const file = join(
      flags.out,
      report.shard ? `migration-report.shard-${report.shard.replace('/', '-of-')}.json` : 'migration-report.json',
    );
    await writeFile(`${file}.tmp`, JSON.stringify(report, null, 2) + '\n');
    await rename(`${file}.tmp`, file);
  }
  if (flags.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else io.stdout(renderTable(report));
  return report.counts.failed > 0 || report.datasets.some((d) => d.publish?.status === 'failed') ? 1 : 0;
}

const pad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n - 1) + '…' : s + ' '.repeat(n - s.length));

/** The final table: one row a dataset, then the counts and the edge cases met. */
function renderTable(r: BatchReport): string {
  const lines: string[] = [];
  const w = Math.min(40, Math.max(8, ...r.datasets.map((d) => visible(d.name).length + 1)));
  lines.push(`${pad('dataset', w)} ${pad('status', 10)} ${pad('valid', 6)} ${pad('warn', 5)} reason`);
  for (const d of r.datasets) {
    const why = [d.reason, d.detail, publishNote(d)].filter(Boolean).join(': ');
    lines.push(
      `${pad(visible(d.name), w)} ${pad(d.status, 10)} ${pad(d.valid === null ? '-' : d.valid ? 'yes' : 'no', 6)} ${pad(String(d.warnings), 5)} ${visible(why).slice(0, 300)}`,
    );
  }
  const c = r.counts;
  lines.push('');
  lines.push(
    `${r.dryRun ? `dry run (nothing written): ${c.planned} to convert, ` : ''}converted ${c.converted} (valid ${c.valid}, with warnings ${c.withWarnings}${c.resumed ? `, ${c.resumed} from a previous run` : ''}), skipped ${c.skipped}, failed ${c.failed}` +
      (r.shard ? `; shard ${r.shard} (${c.outsideShard} datasets in other shards)` : ''),
  );
  const cases = Object.entries(r.cases);
  if (cases.length) lines.push(`edge cases: ${cases.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (!r.dryRun)
    lines.push(
      `report: ${visible(join(r.out, r.shard ? `migration-report.shard-${r.shard.replace('/', '-of-')}.json` : 'migration-report.json'))}`,
    );
  return lines.join('\n') + '\n';
}

function publishNote(d: DatasetOutcome): string {
  const p = d.publish;
  if (!p) return '';
  if (p.status === 'failed') return `publish failed: ${String(p.error ?? '')}`;
  const repo = p.repository as { status?: string; fullName?: string; url?: string } | string | undefined;
  const repoNote = typeof repo === 'string' ? repo : repo ? `repository ${String(repo.fullName)} ${String(repo.status)}; ` : '';
  if (p.status === 'planned') return repoNote;
  return `${repoNote}${String(p.status)}${p.url ? ` ${String(p.url)}` : ''}${p.registry ? `; registry ${String(p.registry)}` : ''}`;
}
