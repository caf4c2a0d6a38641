/**
 * Measurement child: full validation of a package directory, as the CLI does it.
 * Usage: node --import tsx bench/child-validate.ts PACKAGE_DIR
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

async function main(dir: string | undefined): Promise<void> {
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
  try {
    const t0 = performance.now();
    const source = await createFsSource(dir);
    const report = await validatePackage(source);
    const seconds = (performance.now() - t0) / 1000;
    emit({
      ok: true,
      seconds,
      maxRssBytes: peakRssBytes(),
      rows: report.stats.rows,
      bytes: report.stats.bytes,
      details: {
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

await main(process.argv[2]);
