/**
 * Run the built Action (dist/index.js) the way the runner does: a child process with INPUT_*
 * variables, the GITHUB_* context, an event payload file, and output/summary files to read back.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAL, testdir } from './tmp.ts';

const BUNDLE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** A real webhook payload from ../shared/fixtures/real/octokit-webhooks-examples, parsed. */
export async function examplePayload(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(REAL, 'octokit-webhooks-examples', file), 'utf8')) as Record<string, unknown>;
}

/** A workflow-command annotation, parsed (properties unescaped as the runner reads them). */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  props: Record<string, string>;
  message: string;
}

const unescape = (s: string): string =>
  s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

function parseAnnotation(line: string): Annotation {
  const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not an annotation: ${line}`);
  const props = Object.fromEntries(
    (m[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i), unescape(kv.slice(i + 1))];
      }),
  );
  return { level: m[1] as Annotation['level'], props, message: unescape(m[3]!) };
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Workflow-command annotations with a file (`::error file=…,line=…::message`), parsed. */
  annotations: Annotation[];
}

/** Parse a GITHUB_OUTPUT file (`name<<delimiter\nvalue\ndelimiter`). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

export async function runBundle(options: {
  workspace: string;
  event: string;
  payload: object;
  repository: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}): Promise<ActionRun> {
  const tmp = await testdir();
  const eventPath = join(tmp, 'event.json');
  await writeFile(eventPath, JSON.stringify(options.payload));
  const outputFile = join(tmp, 'output');
  const summaryFile = join(tmp, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const payload = options.payload as { ref?: string; after?: string; pull_request?: { number?: number } };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: tmp,
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REF: payload.ref ?? (payload.pull_request ? `refs/pull/${payload.pull_request.number}/merge` : 'refs/heads/main'),
    GITHUB_SHA: payload.after ?? '0000000000000000000000000000000000000000',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: tmp,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])),
    ...options.env,
  };
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BUNDLE], { env, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    annotations: stdout
      .split('\n')
      .filter((l) => /^::(error|warning|notice) .*file=/.test(l))
      .map(parseAnnotation),
  };
}
