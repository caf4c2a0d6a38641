/**
 * GitHub workflow-command annotations (`::error file=…,line=…,col=…,title=…::message`), one per
 * problem, so problems show on the changed lines of a pull request.
 */

import { cutBytes, visible, visibleLines } from '../../escape.ts';
import type { Problem } from '../../package/problem.ts';
import type { Report } from '../report.ts';
import { problemFile } from './location.ts';

/** GitHub's limit on an annotation's message (64 KB); messages are far shorter (MESSAGE_LIMIT), this is the net. */
export const ANNOTATION_MESSAGE_BYTES = 64 * 1024;
/** GitHub's limit on an annotation's title. */
const ANNOTATION_TITLE_CHARS = 255;

/**
 * A problem's annotation message: control and bidi characters shown escaped (the runner's log
 * would obey an ESC; line breaks are kept, annotations may have several lines), cut to
 * ANNOTATION_MESSAGE_BYTES. Workflow commands and check runs alike.
 */
export const annotationMessage = (p: Problem): string => cutBytes(visibleLines(p.message), ANNOTATION_MESSAGE_BYTES);
/**
 * The file an annotation is on (the descriptor when the problem has no file), control and bidi
 * characters shown escaped as in the message: such a name cannot be a file worth pointing at.
 */
export function annotationFile(report: Report, p: Problem): string {
  return visible(problemFile(report, p) ?? (report.root === '.' ? report.descriptor : `${report.root}/${report.descriptor}`));
}
/** A problem's annotation title: its code, within ANNOTATION_TITLE_CHARS. */
export const annotationTitle = (p: Problem): string => p.code.slice(0, ANNOTATION_TITLE_CHARS);

// Escaping as actions/toolkit's command.ts does it.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One annotation line for a problem. */
export function annotation(report: Report, p: Problem): string {
  const props: string[] = [];
  props.push(`file=${escapeProperty(annotationFile(report, p))}`);
  if (p.lineNumber !== undefined) props.push(`line=${p.lineNumber}`);
  if (p.columnNumber !== undefined) props.push(`col=${p.columnNumber}`);
  props.push(`title=${escapeProperty(annotationTitle(p))}`);
  const command = p.severity === 'error' ? 'error' : 'warning';
  return `::${command} ${props.join(',')}::${escapeData(annotationMessage(p))}`;
}

/** Annotation lines for the first `max` problems (errors first). */
export function renderAnnotations(report: Report, max = Infinity): string[] {
  return [...report.errors, ...report.warnings].slice(0, max).map((p) => annotation(report, p));
}
