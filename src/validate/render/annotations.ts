/**
 * GitHub workflow-command annotations (`::error file=…,line=…,col=…,title=…::message`), one per
 * problem, so problems show on the changed lines of a pull request.
 */

import type { Problem } from '../problem.ts';
import type { Report } from '../report.ts';
import { problemFile } from './location.ts';

// Escaping as actions/toolkit's command.ts does it.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One annotation line for a problem. */
export function annotation(report: Report, p: Problem): string {
  const props: string[] = [];
  const file = problemFile(report, p) ?? (report.root === '.' ? report.descriptor : `${report.root}/${report.descriptor}`);
  props.push(`file=${escapeProperty(file)}`);
  if (p.lineNumber !== undefined) props.push(`line=${p.lineNumber}`);
  if (p.columnNumber !== undefined) props.push(`col=${p.columnNumber}`);
  props.push(`title=${escapeProperty(p.code)}`);
  const command = p.severity === 'error' ? 'error' : 'warning';
  return `::${command} ${props.join(',')}::${escapeData(p.message)}`;
}

/** Annotation lines for the first `max` problems (errors first). */
export function renderAnnotations(report: Report, max = Infinity): string[] {
  return [...report.errors, ...report.warnings].slice(0, max).map((p) => annotation(report, p));
}
