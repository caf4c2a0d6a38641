/**
 * Measurement child: full validation of a package directory, as the CLI does it.
 * Usage: node --import tsx bench/child-validate.ts PACKAGE_DIR [--threads N|default]
 *
 * With --threads, the table pass runs on the CLI's runner (createParallelRunner, as
 * `os-datastore validate` uses it): `default` leaves the thread count to the CLI's default, a
 * number is `--threads N`. Without it, validatePackage runs alone (one thread, no runner).
 *
 * The validator is loaded with a dynamic import so that, while it is not written yet (or does
 * not load), the child reports "unavailable" with the reason instead of crashing.
 */
import type { createFsSource as createFsSourceType } from '../src/adapters/fs/source.ts';
import type { validatePackage as validatePackageType } from '../src/validate/package.ts';
import { emit, peakRssBytes, reasonOf } from './child.ts';

type ValidatePackage = typeof validatePackageType;
type CreateFsSource = typeof createFsSourceType;

async function load(): Promise<{ validatePackage: ValidatePackage; createFsSource: CreateFsSource } | string> {
  try {
    const { validatePackage } = await import('../src/validate/package.ts');
    const { createFsSource } = await import('../src/adapters/fs/source.ts');
    if (typeof validatePackage !== 'function') return 'src/validate/package.ts does not export validatePackage';
    if (typeof createFsSource !== 'function') return 'src/adapters/fs/source.ts does not export createFsSource';
    return { validatePackage, createFsSource };
  } catch (err) {
    return reasonOf(err);
  }
}

async function main(dir: string | undefined, threadsArg: string | undefined): Promise<void> {
  if (!dir) {
    emit({ ok: false, unavailable: false, reason: 'usage: child-validate.ts PACKAGE_DIR' });
    process.exitCode = 2;
    return;
  }
  const loaded = await load();
  if (typeof loaded === 'string') {
    emit({ ok: false, unavailable: true, reason: loaded });
    return;
  }
  const { validatePackage, createFsSource } = loaded;
  const details: Record<string, unknown> = {};
  try {
    const t0 = performance.now();
    const source = await createFsSource(dir);
    let report: Awaited<ReturnType<ValidatePackage>>;
    if (threadsArg === undefined) report = await validatePackage(source);
    else {
      const { createParallelRunner } = await import('../src/adapters/threads/parallel.ts');
      const tables = createParallelRunner({ threads: threadsArg === 'default' ? undefined : Number(threadsArg) });
      try {
        report = await validatePackage(source, { tables });
        details.workers = tables.workers; // before close(), which stops (and forgets) them
      } finally {
        await tables.close();
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    emit({
      ok: true,
      seconds,
      maxRssBytes: peakRssBytes(),
      rows: report.stats.rows,
      bytes: report.stats.bytes,
      details: {
        ...details,
        valid: report.valid,
        errors: report.stats.errors,
        warnings: report.stats.warnings,
        resources: report.resources.map((r) => ({ name: r.name, rows: r.rows, bytes: r.bytes, valid: r.valid, errors: r.errors })),
        // The first few problems, so that an unexpected invalid report can be diagnosed.
        problems: [...report.errors, ...report.warnings].slice(0, 5).map((p) => ({
          code: p.code,
          severity: p.severity,
          resource: p.resource,
          rowNumber: p.rowNumber,
          message: p.message.slice(0, 300),
        })),
      },
    });
  } catch (err) {
    emit({ ok: false, unavailable: false, reason: `validation threw: ${reasonOf(err)}` });
    process.exitCode = 1;
  }
}

const threadsAt = process.argv.indexOf('--threads');
await main(process.argv[2], threadsAt > 0 ? process.argv[threadsAt + 1] : undefined);
