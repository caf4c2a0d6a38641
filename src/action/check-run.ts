/**
 * A check run named `os-datastore` carrying every listed problem as an annotation. Workflow
 * commands are capped by GitHub (10 errors and 10 warnings a step are shown), a check run is not:
 * annotations go in batches of 50, the most one request takes.
 */

import type { GitHubClient } from '../adapters/github/octokit.ts';
import type { Problem } from '../package/problem.ts';
import type { Report } from '../validate/report.ts';
import { cutBytes } from '../escape.ts';
import { annotationFile, annotationMessage, annotationTitle } from '../validate/render/annotations.ts';

const CHECK_NAME = 'os-datastore';
const BATCH = 50;
/**
 * GitHub's limit on a check run's `output.summary` and `output.text`: 65535 characters, counted
 * here in UTF-8 bytes (never fewer than characters), so any text stays under it.
 */
const CHECK_TEXT_MAX = 65535;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
}

function checkAnnotations(report: Report): CheckAnnotation[] {
  return [...report.errors, ...report.warnings].map((p: Problem) => {
    const line = p.lineNumber ?? 1;
    return {
      path: annotationFile(report, p),
      start_line: line,
      end_line: line,
      ...(p.columnNumber !== undefined ? { start_column: p.columnNumber, end_column: p.columnNumber } : {}),
      annotation_level: p.severity === 'error' ? 'failure' : 'warning',
      message: annotationMessage(p),
      title: annotationTitle(p),
    };
  });
}

/** The net under an already budgeted summary (renderSummary with CHECK_SUMMARY_MAX_BYTES). */
const clip = (s: string): string => cutBytes(s, CHECK_TEXT_MAX, '\n\n… (truncated)');

/** Create the check run with all annotations; returns its id. */
export async function publishCheckRun(
  octokit: GitHubClient,
  at: { owner: string; repo: string; sha: string },
  report: Report,
  summaryMarkdown: string,
  conclusion: 'success' | 'failure' | 'neutral',
): Promise<number> {
  const annotations = checkAnnotations(report);
  const title = report.valid
    ? `valid (${report.stats.warnings} warnings)`
    : `${report.stats.errors} errors, ${report.stats.warnings} warnings`;
  const output = (batch: CheckAnnotation[]) => ({ title, summary: clip(summaryMarkdown), annotations: batch });
  const created = await octokit.rest.checks.create({
    owner: at.owner,
    repo: at.repo,
    name: CHECK_NAME,
    head_sha: at.sha,
    status: 'in_progress',
    output: output(annotations.slice(0, BATCH)),
  });
  const id = created.data.id;
  for (let i = BATCH; i < annotations.length; i += BATCH) {
    await octokit.rest.checks.update({ owner: at.owner, repo: at.repo, check_run_id: id, output: output(annotations.slice(i, i + BATCH)) });
  }
  await octokit.rest.checks.update({
    owner: at.owner,
    repo: at.repo,
    check_run_id: id,
    status: 'completed',
    conclusion,
    output: { title, summary: clip(summaryMarkdown) },
  });
  return id;
}
