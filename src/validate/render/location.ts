import { posix } from 'node:path';
import type { Problem } from '../../package/problem.ts';
import type { Report } from '../report.ts';

/** The file a problem is in, as a path from where validation was started (POSIX separators). */
export function problemFile(report: Report, p: Problem): string | undefined {
  if (p.path === undefined) return undefined;
  const root = report.root.split('\\').join('/');
  return root === '.' || root === '' ? p.path : posix.join(root, p.path);
}

/** `file:line:col` (as much of it as is known). */
export function problemLocation(report: Report, p: Problem): string {
  const file = problemFile(report, p) ?? report.descriptor;
  if (p.lineNumber === undefined) return file;
  return p.columnNumber === undefined ? `${file}:${p.lineNumber}` : `${file}:${p.lineNumber}:${p.columnNumber}`;
}

/** Problems counted by code, most frequent first (listed problems only). */
export function countByCode(problems: Problem[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export const KIND_TITLES: Record<string, string> = {
  openspending: 'OpenSpending Data Package',
  fiscal: 'Fiscal Data Package',
  tabular: 'Tabular Data Package',
  'data-package': 'Data Package',
};
