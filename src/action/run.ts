/**
 * The Action: validate pull requests, publish pushes to the default branch. One run is three
 * steps: decide (planRun: inputs and event, read once → what to do), the pipeline (runPipeline:
 * builds the adapters and calls src/pipeline to check or publish), the outputs (renderOutcome:
 * report, outputs, annotations, job summary, check run, and the step's verdict, from
 * `report.valid`). `run` turns failures into a failed step — the one place that happens.
 */

import * as core from '@actions/core';
import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { segmentsOf, walkWithoutLinks } from '../adapters/fs/links.ts';
import { fsSnapshot } from '../adapters/fs/snapshot.ts';
import { openGitDataset } from '../adapters/git/dataset.ts';
import { createGitHubClient } from '../adapters/github/octokit.ts';
import { ACTION_STORAGE_LABELS, InputError, readInputs, type ActionInputs, type ActionOutputs } from '../config/action.ts';
import { storageConfig } from '../config/storage.ts';
import { createS3Store } from '../adapters/s3/store.ts';
import { createParallelRunner } from '../adapters/threads/parallel.ts';
import { aggregateFiles } from '../aggregate/index.ts';
import { baseResultCache } from '../cache/local.ts';
import { threadsFromEnv } from '../config/threads.ts';
import type { DatasetSnapshot } from '../mirror/snapshot.ts';
import { checkPackage, type CheckResult } from '../pipeline/check.ts';
import { publishDataset, publishTargetOf, type PublishResult } from '../pipeline/publish.ts';
import type { Report } from '../validate/report.ts';
import { markdownText, markdownUrl, visible } from '../escape.ts';
import { describeError, httpStatusOf, isUserError, stackOf, messageOf } from '../errors.ts';
import { annotationFile, annotationMessage, annotationTitle } from '../validate/render/annotations.ts';
import { CHECK_SUMMARY_MAX_BYTES, renderSummary, SUMMARY_MAX_BYTES } from '../validate/render/summary.ts';
import { publishCheckRun } from './check-run.ts';
import { readContext, type ActionContext } from './context.ts';

type Env = Record<string, string | undefined>;

/** What the run decided to do, and why. */
function decide(inputs: ActionInputs, ctx: ActionContext): { publish: boolean; reason: string } {
  if (ctx.isFork) return { publish: false, reason: 'a pull request from a fork: validated only, never published' };
  if (inputs.mode === 'validate') return { publish: false, reason: 'mode: validate' };
  if (inputs.mode === 'publish') return { publish: true, reason: 'mode: publish' };
  if (ctx.isDefaultBranchPush) return { publish: true, reason: `a push to the default branch (${ctx.defaultBranch})` };
  return {
    publish: false,
    reason: ctx.isPullRequest ? 'a pull request' : `a ${ctx.eventName || 'manual'} event that is not a push to the default branch`,
  };
}

/**
 * The dataset folder the "path" input names: a real folder of the workspace. Every component from
 * the workspace down, the folder itself included, must not be a symlink (a committed link could
 * point anywhere on the runner), and the folder must be inside the workspace once every link is
 * resolved.
 */
async function datasetFolder(workspace: string, path: string): Promise<string> {
  const segments = segmentsOf(path);
  const walk = await walkWithoutLinks(workspace, segments);
  if (walk.kind === 'link') {
    throw new InputError(
      `input "path" is "${path}", and "${walk.at}" in the workspace is a symlink; the dataset is read from real folders only: commit the folder itself, or set "path" to the real folder`,
    );
  }
  if (walk.kind === 'missing' || !walk.stat.isDirectory()) {
    throw new InputError(
      `input "path" is "${path}", which is not a folder of the workspace (${walk.kind === 'missing' ? `"${walk.at || workspace}" does not exist` : 'a file'}); check out the repository first (actions/checkout) and give the dataset's folder`,
    );
  }
  const dir = join(workspace, ...segments);
  const [realWorkspace, realDir] = await Promise.all([realpath(workspace), realpath(dir)]);
  const rel = relative(realWorkspace, realDir);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new InputError(`input "path" is "${path}", which resolves outside the workspace; give a folder of the repository`);
  return dir;
}

/** Whether `dir` is in a git checkout of the workspace: a `.git` in it or in a folder above it, up to the workspace. */
async function inGitCheckout(workspace: string, dir: string): Promise<boolean> {
  for (let at = dir; ; at = dirname(at)) {
    if (
      await lstat(join(at, '.git')).then(
        () => true,
        () => false,
      )
    )
      return true;
    if (relative(workspace, at) === '' || dirname(at) === at) return false;
  }
}

/**
 * The dataset as published: in a git checkout, its commit — and nothing else (when git cannot
 * read it, the step fails: the files on disk are never published in its place); a workspace that
 * is not a git checkout at all is read as a plain folder.
 */
async function snapshotOf(workspace: string, dir: string, inputs: ActionInputs): Promise<DatasetSnapshot> {
  const lfs = {
    allowPrivateEndpoints: inputs.allowPrivateLfs,
    // The workflow token reads LFS objects of this repository when the checkout lacks them.
    ...(inputs.token ? { auth: { username: 'x-access-token', password: inputs.token } } : {}),
  };
  if (await inGitCheckout(workspace, dir)) return openGitDataset(dir, { lfs });
  core.info(`${inputs.path} is not in a git checkout: read as a plain folder`);
  return fsSnapshot(dir);
}

function annotate(report: Report, max: number): void {
  const problems = [...report.errors, ...report.warnings];
  for (const p of problems.slice(0, max)) {
    const props: core.AnnotationProperties = { file: annotationFile(report, p), title: annotationTitle(p) };
    if (p.lineNumber !== undefined) props.startLine = p.lineNumber;
    if (p.columnNumber !== undefined) props.startColumn = p.columnNumber;
    if (p.severity === 'error') core.error(annotationMessage(p), props);
    else core.warning(annotationMessage(p), props);
  }
  if (problems.length > max) core.info(`… ${problems.length - max} more problems: see the job summary, the check run and the JSON report`);
}

/** The job summary, when the runner offers one (local runs may not). */
async function writeSummary(env: Env, markdown: string): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
  else core.info('no job summary: GITHUB_STEP_SUMMARY is not set (a local run?)');
}

/** What a run is to do, decided from the inputs and the event before anything is read. */
interface RunPlan {
  inputs: ActionInputs;
  ctx: ActionContext;
  /** Validate and publish (true), or validate only. */
  publish: boolean;
  /** Why, for the log. */
  reason: string;
  /** Worker threads for the table pass (OS_DATASTORE_THREADS), when set. */
  threads: number | undefined;
}

/** What the pipeline found: the report (null: the commit was already published, nothing read) and what was published. */
interface RunOutcome {
  report: Report | null;
  published: PublishResult | null;
}

/** Decide: read the inputs and the event once, mask the secrets, and say what the run does. */
function planRun(env: Env): RunPlan {
  const inputs = readInputs(env);
  const ctx = readContext(env);
  if (inputs.repository) {
    // Publishing another repository (the registry's publish workflow): its owner owns the data.
    const [owner, repo] = inputs.repository.split('/') as [string, string];
    Object.assign(ctx, { owner, repo });
  }
  if (inputs.token) core.setSecret(inputs.token);
  if (inputs.storage.credentials) {
    core.setSecret(inputs.storage.credentials.secretAccessKey);
    core.setSecret(inputs.storage.credentials.accessKeyId);
  }
  const threads = threadsFromEnv(env, (message) => core.info(`os-datastore: ${message}`));
  return { inputs, ctx, threads, ...decide(inputs, ctx) };
}

/** The pipeline: read the dataset, then check it (src/pipeline/check.ts) or publish it (src/pipeline/publish.ts). */
async function runPipeline(plan: RunPlan, env: Env): Promise<RunOutcome> {
  const { inputs, ctx, publish, reason } = plan;
  const onWarning = (message: string): void => core.warning(visible(message));
  core.info(`os-datastore: ${publish ? 'validate and publish' : 'validate'} ${inputs.path} (${reason})`);

  const dir = await datasetFolder(ctx.workspace, inputs.path);
  // The repository the workflow runs in is the dataset's owner (for pull requests: the base
  // repository), whatever the checkout's remote says.
  const snapshot: DatasetSnapshot = {
    ...(await core.group('Read the dataset', () => snapshotOf(ctx.workspace, dir, inputs))),
    github: { owner: ctx.owner, repo: ctx.repo },
  };

  if (publish) {
    const config = storageConfig(env, inputs.storage, ACTION_STORAGE_LABELS);
    if (!config) throw new InputError('publishing needs a bucket: set the "bucket" input or OS_STORAGE_BUCKET_NAME (and credentials)');
    const store = createS3Store(config);
    const runner = createParallelRunner({ threads: plan.threads, warn: onWarning });
    try {
      const published = await core.group(`Validate and publish to ${store.description}`, () =>
        publishDataset(snapshot, store, { strict: inputs.strict, runner, onWarning }),
      );
      return { report: published.report, published };
    } finally {
      await runner.close();
      store.destroy();
    }
  }
  // The base's validation results, when it is published to a bucket that is configured: read anonymously.
  let config = null;
  try {
    config = storageConfig(env, inputs.storage, ACTION_STORAGE_LABELS);
  } catch (e) {
    core.info(`os-datastore: no published validation results read (${messageOf(e)})`);
  }
  const cache = await baseResultCache(snapshot, config, ctx.owner, onWarning);
  const runner = createParallelRunner({ threads: plan.threads, warn: onWarning });
  let result: CheckResult;
  try {
    result = await core.group('Validate', () =>
      checkPackage(snapshot.source, {
        strict: inputs.strict,
        repositoryOwner: ctx.owner,
        // What a push would refuse (a name that is no storage key, a path too long) fails the pull request already.
        publishing: publishTargetOf(snapshot),
        runner,
        ...(cache && { cache }),
      }),
    );
  } finally {
    await runner.close();
  }
  if (result.cache)
    core.info(
      `os-datastore: ${result.cache.stats.hits} of ${result.cache.stats.hits + result.cache.stats.misses} resources' results reused from the published base`,
    );
  const report = result.validation.report;
  if (inputs.aggregates && result.aggregates && report.valid) {
    const out = join(ctx.runnerTemp, 'os-datastore', 'aggregates');
    await mkdir(out, { recursive: true });
    for (const f of aggregateFiles(result.aggregates)) {
      const path = join(out, f.path.replace(/^aggregates\//, ''));
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, f.content);
    }
    core.info(`aggregates written to ${out}`);
  }
  return { report, published: null };
}

/** The outputs: the JSON report, step outputs, annotations, job summary, check run, and the step's failure. */
async function renderOutcome(plan: RunPlan, outcome: RunOutcome, env: Env): Promise<void> {
  const { inputs, ctx } = plan;
  const { report, published } = outcome;
  const reportPath = join(ctx.runnerTemp, 'os-datastore', 'report.json');
  await mkdir(join(reportPath, '..'), { recursive: true });
  if (report) await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
  const valid = report ? report.valid : true;
  const outputs: ActionOutputs = {
    valid: String(valid),
    'error-count': String(report?.stats.errors ?? 0),
    'warning-count': String(report?.stats.warnings ?? 0),
    report: report ? reportPath : '',
    'published-version': published && published.status !== 'invalid' ? published.commit : '',
    url: published?.url ?? '',
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);

  if (published?.status === 'unchanged') {
    await writeSummary(
      env,
      `## ✅ ${markdownText(`${published.owner}/${published.name}`)} @ ${published.commit.slice(0, 12)} is already published\n\n${published.url ? markdownUrl(published.url) : ''}\n`,
    );
    return;
  }
  if (!report) return;
  annotate(report, inputs.maxAnnotations);
  const reportUrl =
    published?.status === 'published' && published.prefix
      ? published.url?.replace(/datapackage\.json$/, `reports/${published.commit}.json`)
      : undefined;
  const summaryOptions = {
    reportUrl,
    ...(published?.status === 'published' ? { published: { prefix: published.prefix ?? '', url: published.url ?? '' } } : {}),
  };
  await writeSummary(env, renderSummary(report, { ...summaryOptions, maxBytes: SUMMARY_MAX_BYTES }));

  // The report's verdict decides (never a count beside it), and fail-on: warning adds the warnings.
  const failing = !report.valid || (inputs.failOn === 'warning' && report.stats.warnings > 0);
  if (inputs.token && ctx.sha) {
    try {
      const octokit = createGitHubClient({ token: inputs.token, baseUrl: ctx.apiUrl, log: core.info });
      const id = await publishCheckRun(
        octokit,
        { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha },
        report,
        renderSummary(report, { ...summaryOptions, maxBytes: CHECK_SUMMARY_MAX_BYTES }),
        failing ? 'failure' : 'success',
      );
      core.info(`check run ${id} created with every annotation`);
    } catch (e) {
      const status = httpStatusOf(e);
      if (status === 403 || status === 404) {
        core.info(
          'no check run: the token may not write checks (add `checks: write` to the workflow permissions; fork pull requests never can)',
        );
      } else core.warning(`the check run could not be created: ${describeError(e)}`);
    }
  }
  if (failing) {
    core.setFailed(
      !report.valid
        ? `${report.stats.errors} errors, ${report.stats.warnings} warnings in ${report.root}: see the annotations and the job summary`
        : `${report.stats.warnings} warnings (fail-on: warning)`,
    );
  } else if (published?.status === 'published') {
    core.info(`published ${published.owner}/${published.name} @ ${published.commit}: ${published.url}`);
  }
}

/** One run: decide (event → what to do), run the pipeline, render its outcome. */
async function runAction(env: Env = process.env): Promise<void> {
  const plan = planRun(env);
  const outcome = await runPipeline(plan, env);
  await renderOutcome(plan, outcome, env);
}

/** The entry point: every failure becomes a failed step with one clear message. */
export async function run(env: Env = process.env): Promise<void> {
  try {
    await runAction(env);
  } catch (e: unknown) {
    core.setFailed(failureText(e));
  }
}

/** The failed step's message. One test, as in the CLI: a user's mistake is its sentence and hint; anything else is ours, with its stack. */
export function failureText(e: unknown): string {
  return isUserError(e) ? e.describe() : `os-datastore failed unexpectedly (please report it): ${stackOf(e)}`;
}
