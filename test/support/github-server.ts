/**
 * A GitHub REST API on 127.0.0.1 for tests (node:http), shared by the Action's and the App's
 * tests. It keeps real state — repositories with in-memory git objects named as git names them,
 * refs with fast-forward checks, pull requests, check runs, dispatches, a GitHub App with its
 * installations and tokens — and answers as GitHub does: status codes, error bodies, Link
 * pagination, `x-github-request-id` and `x-ratelimit-*` headers, redirects for renamed
 * repositories. Every body it sends is checked against GitHub's OpenAPI description
 * (test/fixtures/github-openapi.json); problems land in `violations` and fail the test.
 *
 *   const fake = await startFakeGitHub();
 *   fake.addRepo({ owner: 'os-data', name: 'budget' });
 *   fake.commit('os-data/budget', 'main', { 'datapackage.json': '{}' }, 'init');
 *   const octokit = new Octokit({ baseUrl: fake.url, auth: fake.token });
 */

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';
import {
  GitStore,
  MODES,
  isoOf,
  parseDate,
  typeOfMode,
  type FlatEntry,
  type Mode,
  type Sha,
  type Signature,
  type TreeChange,
} from './github/git.ts';
import { looksLikeJwt, signJwt, verifyAppJwt } from './github/jwt.ts';
import { responseSchemas } from './github/openapi.ts';
import {
  DOCS,
  base64Lines,
  checkRunJson,
  fullName,
  gitCommitJson,
  gitRefJson,
  installationJson,
  integrationJson,
  pullJson,
  repoJson,
  type Account,
  type Annotation,
  type AppIdentity,
  type CheckRunState,
  type InstallationState,
  type Permission,
  type Permissions,
  type PullFacts,
  type PullState,
  type RepoState,
  type Workflow,
} from './github/shapes.ts';

export type { Annotation, CheckRunState, PullState } from './github/shapes.ts';

/** A repository: `'owner/name'` (as it is now) or its numeric id. */
export type RepoRef = string | number;

export interface FakeGitHubOptions {
  /** Leave the server running after the test; the caller closes it. */
  keepOpen?: boolean;
  /** The static token (like Actions' GITHUB_TOKEN) accepted for every repository. */
  token?: string;
  /** Requests per token (per installation) and window; 5000 an hour by default. */
  rateLimit?: number;
  rateLimitWindowMs?: number;
  /**
   * GitHub's secondary limit on content-creating requests (POST, PATCH, PUT, DELETE): about 80 a
   * minute. Off unless given; beyond it the fake answers 403 with `retry-after: 60` as GitHub does.
   */
  writesPerMinute?: number;
  /** Fail the test when a response broke the OpenAPI description (default true). */
  failOnViolations?: boolean;
  /**
   * Where repositories created through `POST /orgs/{org}/repos` get a bare git repository on disk
   * (`<gitRoot>/<owner>/<name>.git`). The fake speaks no git smart-HTTP: such a repository's
   * `clone_url` is that folder's file:// URL, so a real `git push` (git-lfs included: its objects
   * land in the bare repository's `lfs/objects`) goes there, and the fake imports what was pushed
   * into its own object store before it answers the next request. Without it, created
   * repositories live in memory only.
   */
  gitRoot?: string;
}

export interface RecordedRequest {
  method: string;
  /** The path, without the query, percent-decoded (Octokit sends `heads%2Fmain` for `heads/main`). */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body (undefined when there was none). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The status answered; 0 while pending or when the connection was reset. */
  status: number;
  /** Who the request authenticated as. */
  auth: 'none' | 'invalid' | 'static' | 'installation' | 'app';
  installationId?: number;
  /** When it arrived (Date.now()). */
  at: number;
}

export interface Violation {
  method: string;
  path: string;
  status: number;
  /** The schema the body was checked against. */
  against: string;
  errors: string[];
  body: unknown;
}

export interface Fault {
  method?: string;
  /** An exact path (no query, percent-decoded as in `requests`) or a pattern tested on it. */
  path?: string | RegExp;
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  /** Let this many matching requests through first. */
  after?: number;
  /** The status to answer instead of handling the request, or 'reset' to drop the connection. */
  status?: 500 | 502 | 503 | 403 | 429 | 409 | 422 | 'reset' | number;
  headers?: Record<string, string>;
  /** The body; by default the one GitHub sends with that status. */
  body?: unknown;
  /** Answer as GitHub does on a secondary rate limit (message, `retry-after`). */
  secondaryRateLimit?: boolean;
  /** Runs before the request is handled (e.g. to move a ref under a client's feet). */
  before?: () => void | Promise<void>;
}

export type Dispatch =
  | { type: 'repository_dispatch'; repo: string; repoId: number; eventType: string; clientPayload: Record<string, unknown> }
  | { type: 'workflow_dispatch'; repo: string; repoId: number; workflow: string; ref: string; inputs: Record<string, unknown> };

export interface CommitInfo {
  sha: Sha;
  message: string;
  tree: Sha;
  parents: Sha[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

export interface FakeApp {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  /** PKCS#1 PEM, as GitHub hands out App keys; generated per process, never stored. */
  privateKeyPem: string;
  publicKeyPem: string;
  webhookSecret: string;
}

export interface RepoInfo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  archived: boolean;
  defaultBranch: string;
}

const DEFAULT_PERMISSIONS: Permissions = { metadata: 'read', contents: 'write', checks: 'write', pull_requests: 'write', actions: 'write' };
const GITHUB_ACTIONS: AppIdentity = {
  id: 15368,
  slug: 'github-actions',
  name: 'GitHub Actions',
  clientId: 'Iv1.05c79e9ad1f6bdfa',
  owner: { login: 'github', id: 9919, type: 'Organization' },
  permissions: { actions: 'write', checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write' },
  events: ['check_run', 'check_suite', 'push', 'pull_request', 'repository_dispatch', 'workflow_dispatch'],
  createdAt: '2018-07-30T09:30:17Z',
};
const SECONDARY_RATE_LIMIT =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID';
const FAULT_MESSAGES: Record<number, string> = {
  403: 'Resource not accessible by integration',
  409: 'Conflict',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

let keyPair: { privateKeyPem: string; publicKeyPem: string } | undefined;
/** One RSA key pair per process (generating one takes a while). */
function appKeys(): { privateKeyPem: string; publicKeyPem: string } {
  if (!keyPair) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    keyPair = { privateKeyPem: privateKey, publicKeyPem: publicKey };
  }
  return keyPair;
}

/** Starts a fake GitHub on 127.0.0.1; it is closed when the test finishes unless `keepOpen`. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHub(options);
  await fake.listen();
  if (!options.keepOpen) {
    onTestFinished(async () => {
      await fake.close();
      if (options.failOnViolations !== false) fake.assertNoViolations();
    });
  }
  return fake;
}

// ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (raw media types), sent as is and not checked. */
  raw?: Buffer;
}

/** Thrown by handlers to answer with something other than success. */
class Answer extends Error {
  constructor(readonly reply: Reply) {
    super(`answer ${reply.status}`);
  }
}

interface TokenState {
  token: string;
  installationId: number;
  expiresAt: number;
  /** Narrowed to these repositories when asked; null: the installation's. */
  repoIds: Set<number> | null;
  permissions: Permissions;
}

type Principal = { kind: 'static' } | { kind: 'installation'; token: TokenState; installation: InstallationState } | { kind: 'app' };

type Scope = 'repo' | 'app' | 'app-repo' | 'installation' | 'account';

interface Route {
  method: string;
  /** For repo routes, matched on the path after /repos/{owner}/{repo}; else on the whole path. */
  pattern: RegExp;
  scope: Scope;
  /** The operation in the OpenAPI fixture. */
  op: string;
  /** The page of docs.github.com/rest for documentation_url. */
  docs: string;
  permission?: [string, Permission];
  handle: (call: Call) => Reply;
}

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  params: string[];
  route: Route;
  principal: Principal;
  /** The repository of a repo route. */
  repo: RepoState;
}

interface FaultState extends Fault {
  seen: number;
  used: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const requestId = (): string => [4, 5, 7, 7, 8].map((n) => randomBytes(4).toString('hex').toUpperCase().slice(0, n)).join(':');

export class FakeGitHub {
  /** `http://127.0.0.1:<port>`: Octokit's `baseUrl`. */
  url = '';
  /** The static token; every repository accepts it (as a GITHUB_TOKEN would). */
  readonly token: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Responses that broke GitHub's OpenAPI description. */
  readonly violations: Violation[] = [];
  /** repository_dispatch and workflow_dispatch events received. */
  readonly dispatches: Dispatch[] = [];

  private readonly server: Server;
  private readonly options: FakeGitHubOptions;
  private readonly accounts = new Map<string, Account>();
  private readonly repos = new Map<number, RepoState>();
  /** Old full names (lower case) of renamed or transferred repositories → id. */
  private readonly redirects = new Map<string, number>();
  private readonly installations = new Map<number, InstallationState>();
  private readonly tokens = new Map<string, TokenState>();
  private readonly faults: FaultState[] = [];
  private readonly rate = new Map<string, { used: number; resetAt: number }>();
  private readonly writes = new Map<string, number[]>();
  private readonly routes: Route[];
  private readonly identity: AppIdentity;
  private readonly webhookSecret = randomBytes(16).toString('hex');
  private corrupt: ((body: unknown) => unknown) | undefined;
  private clockOffset = 0;
  private ids = { account: 5000, repo: 100000, installation: 30000, pull: 900000, check: 700000, suite: 800000, workflow: 60000 };

  constructor(options: FakeGitHubOptions = {}) {
    this.options = options;
    this.token = options.token ?? `ghs_${randomBytes(18).toString('hex')}`;
    const owner = this.account('os-team', 'Organization');
    this.identity = {
      id: 424242,
      slug: 'os-datastore',
      name: 'os-datastore',
      clientId: `Iv23li${randomBytes(7).toString('hex')}`,
      owner,
      permissions: { ...DEFAULT_PERMISSIONS },
      events: ['push', 'repository'],
      createdAt: this.nowIso(),
    };
    this.routes = this.buildRoutes();
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((e: unknown) => {
        this.violations.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status: 500,
          against: 'fake GitHub',
          errors: [`the fake failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`],
          body: undefined,
        });
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ message: 'Server Error' }));
        else res.destroy();
      });
    });
  }

  /** The GitHub App: give `id` and `privateKeyPem` to the App under test. */
  get app(): FakeApp {
    const keys = appKeys();
    return {
      id: this.identity.id,
      slug: this.identity.slug,
      name: this.identity.name,
      clientId: this.identity.clientId,
      webhookSecret: this.webhookSecret,
      ...keys,
    };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map((v) => `${v.method} ${v.path} → ${v.status} against ${v.against}:\n    ${v.errors.join('\n    ')}`);
    throw new Error(
      `the fake GitHub sent ${this.violations.length} response(s) that break GitHub's OpenAPI description:\n  ${lines.join('\n  ')}`,
    );
  }

  // --- test controls -------------------------------------------------------------------------

  /** Answers (or disturbs) the next matching requests instead of handling them normally. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, seen: 0, used: 0 });
  }

  /** Breaks the next JSON body sent (by default every top-level value gets the wrong type). */
  corruptNextResponse(mutate: (body: unknown) => unknown = wrongTypes): void {
    this.corrupt = mutate;
  }

  /** Moves the fake's clock (token expiry, JWT checks, timestamps) forward. */
  advanceTime(ms: number): void {
    this.clockOffset += ms;
  }

  // --- accounts and repositories -------------------------------------------------------------

  /** The account with this login, created (as an organization unless told) when new. */
  account(login: string, type: Account['type'] = 'Organization', id?: number): Account {
    const key = login.toLowerCase();
    let a = this.accounts.get(key);
    if (!a) this.accounts.set(key, (a = { login, id: id ?? ++this.ids.account, type }));
    return a;
  }

  /** Adds an empty repository (no commits: use `commit`); returns its id. */
  addRepo(o: {
    owner: string;
    name: string;
    private?: boolean;
    defaultBranch?: string;
    archived?: boolean;
    id?: number;
    description?: string;
    ownerType?: Account['type'];
  }): number {
    const id = o.id ?? ++this.ids.repo;
    if (this.repos.has(id)) throw new Error(`repository id ${id} is taken`);
    if (this.findRepo(`${o.owner}/${o.name}`)) throw new Error(`${o.owner}/${o.name} exists`);
    const now = this.nowIso();
    const repo: RepoState = {
      id,
      owner: this.account(o.owner, o.ownerType),
      name: o.name,
      private: o.private ?? false,
      archived: o.archived ?? false,
      defaultBranch: o.defaultBranch ?? 'main',
      description: o.description ?? null,
      git: new GitStore(),
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      workflows: new Map(),
      pulls: [],
      nextNumber: 1,
      checkRuns: [],
    };
    this.repos.set(id, repo);
    this.redirects.delete(fullName(repo).toLowerCase());
    return id;
  }

  getRepo(ref: RepoRef): RepoInfo {
    const r = this.repoOf(ref);
    return {
      id: r.id,
      owner: r.owner.login,
      name: r.name,
      fullName: fullName(r),
      private: r.private,
      archived: r.archived,
      defaultBranch: r.defaultBranch,
    };
  }

  /** Renames a repository; the old name redirects to `/repositories/{id}` as on GitHub. */
  renameRepo(ref: RepoRef, newName: string): void {
    const r = this.repoOf(ref);
    this.redirects.set(fullName(r).toLowerCase(), r.id);
    r.name = newName;
    r.updatedAt = this.nowIso();
    this.redirects.delete(fullName(r).toLowerCase());
  }

  /** Moves a repository to another owner; the old name redirects, installations of the old owner lose it. */
  transferRepo(ref: RepoRef, newOwner: string, ownerType?: Account['type']): void {
    const r = this.repoOf(ref);
    this.redirects.set(fullName(r).toLowerCase(), r.id);
    r.owner = this.account(newOwner, ownerType);
    r.updatedAt = this.nowIso();
    this.redirects.delete(fullName(r).toLowerCase());
    for (const i of this.installations.values()) if (i.account.id !== r.owner.id) i.repoIds.delete(r.id);
  }

  deleteRepo(ref: RepoRef): void {
    const r = this.repoOf(ref);
    this.repos.delete(r.id);
    for (const [name, id] of this.redirects) if (id === r.id) this.redirects.delete(name);
    for (const i of this.installations.values()) i.repoIds.delete(r.id);
  }

  setPrivate(ref: RepoRef, isPrivate: boolean): void {
    const r = this.repoOf(ref);
    r.private = isPrivate;
    r.updatedAt = this.nowIso();
  }

  setArchived(ref: RepoRef, archived: boolean): void {
    const r = this.repoOf(ref);
    r.archived = archived;
    r.updatedAt = this.nowIso();
  }

  // --- git -----------------------------------------------------------------------------------

  /**
   * Commits `files` (path → content; null deletes) on top of `branch` — or, for a new branch, on
   * top of the default branch — and moves the branch. Returns the commit's sha.
   */
  /** Commit `files` on `branch` (null deletes a file; `{ symlink }` commits a symbolic link to that target, mode 120000). */
  commit(
    ref: RepoRef,
    branch: string,
    files: Record<string, string | Buffer | null | { symlink: string }>,
    message: string,
    opts: { author?: { name: string; email: string }; date?: Date } = {},
  ): Sha {
    const r = this.repoOf(ref);
    const git = r.git;
    const parent = git.refs.get(`refs/heads/${branch}`) ?? git.refs.get(`refs/heads/${r.defaultBranch}`);
    const changes: TreeChange[] = Object.entries(files).map(([path, content]) =>
      content === null
        ? { path, mode: '100644', type: 'blob', sha: null }
        : typeof content === 'object' && !Buffer.isBuffer(content)
          ? { path, mode: '120000', type: 'blob', sha: git.putBlob(Buffer.from(content.symlink)) }
          : { path, mode: '100644', type: 'blob', sha: git.putBlob(Buffer.from(content)) },
    );
    const tree = git.edit(parent ? git.commit(parent)!.tree : null, changes);
    const when = { time: Math.floor((opts.date?.getTime() ?? this.now()) / 1000), tz: '+0000' };
    const person = { ...(opts.author ?? { name: 'Test Author', email: 'author@example.test' }), ...when };
    const sha = git.putCommit({ tree, parents: parent ? [parent] : [], author: person, committer: person, message });
    git.refs.set(`refs/heads/${branch}`, sha);
    r.pushedAt = this.nowIso();
    return sha;
  }

  /** Creates a branch at `from` (a sha or branch; the default branch's tip by default). */
  createBranch(ref: RepoRef, branch: string, from?: string): Sha {
    const r = this.repoOf(ref);
    const sha = this.resolveCommitish(r, from ?? r.defaultBranch);
    if (!sha) throw new Error(`${fullName(r)} has no commit ${from ?? r.defaultBranch}`);
    r.git.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  /** The tip of a branch (the default branch when omitted), or undefined. */
  headSha(ref: RepoRef, branch?: string): Sha | undefined {
    const r = this.repoOf(ref);
    return r.git.refs.get(`refs/heads/${branch ?? r.defaultBranch}`);
  }

  /** A file's text at a branch, tag or sha, or undefined. */
  readFile(ref: RepoRef, at: string, path: string): string | undefined {
    const r = this.repoOf(ref);
    const sha = this.resolveCommitish(r, at);
    const entry = sha ? r.git.entryAt(r.git.commit(sha)!.tree, path) : undefined;
    return entry?.type === 'blob' ? r.git.blob(entry.sha)!.toString('utf8') : undefined;
  }

  /** Every file's text at a branch, tag or sha. */
  files(ref: RepoRef, at: string): Record<string, string> {
    const r = this.repoOf(ref);
    const sha = this.resolveCommitish(r, at);
    if (!sha) return {};
    const out: Record<string, string> = {};
    for (const [path, e] of r.git.flatten(r.git.commit(sha)!.tree)) if (e.type === 'blob') out[path] = r.git.blob(e.sha)!.toString('utf8');
    return out;
  }

  /** The commits reachable from a branch (default branch when omitted), newest first. */
  log(ref: RepoRef, branch?: string): CommitInfo[] {
    const r = this.repoOf(ref);
    const tip = r.git.refs.get(`refs/heads/${branch ?? r.defaultBranch}`);
    if (!tip) return [];
    const sig = (s: Signature): CommitInfo['author'] => ({ name: s.name, email: s.email, date: isoOf(s.time) });
    return r.git.log(tip).map((sha) => {
      const c = r.git.commit(sha)!;
      return { sha, message: c.message, tree: c.tree, parents: [...c.parents], author: sig(c.author), committer: sig(c.committer) };
    });
  }

  // --- workflows, pull requests, check runs ----------------------------------------------------

  /** Declares a workflow with a workflow_dispatch trigger (`file` as in `.github/workflows/<file>`). */
  addWorkflow(ref: RepoRef, file: string, opts: { id?: number; inputs?: Record<string, { required?: boolean }> } = {}): number {
    const r = this.repoOf(ref);
    const w: Workflow = {
      id: opts.id ?? ++this.ids.workflow,
      path: `.github/workflows/${file}`,
      ...(opts.inputs ? { inputs: opts.inputs } : {}),
    };
    r.workflows.set(file, w);
    return w.id;
  }

  pulls(ref: RepoRef): readonly PullState[] {
    return this.repoOf(ref).pulls;
  }

  /** Merges an open pull request as a reviewer would (a merge commit, or a squash). */
  mergePull(ref: RepoRef, number: number, opts: { method?: 'merge' | 'squash'; by?: string } = {}): Sha {
    const r = this.repoOf(ref);
    const p = r.pulls.find((x) => x.number === number);
    if (!p || p.state !== 'open') throw new Error(`pull request #${number} of ${fullName(r)} is not open`);
    const facts = this.pullFacts(r, p);
    const git = r.git;
    const base = facts.baseSha;
    const head = facts.headSha;
    let tree: Sha;
    if (git.isAncestor(base, head)) tree = git.commit(head)!.tree;
    else {
      const mb = git.mergeBase(base, head);
      const o = mb ? git.flatten(git.commit(mb)!.tree) : new Map<string, FlatEntry>();
      const b = git.flatten(git.commit(base)!.tree);
      const h = git.flatten(git.commit(head)!.tree);
      const merged = new Map<string, FlatEntry>();
      for (const path of new Set([...o.keys(), ...b.keys(), ...h.keys()])) {
        const [os, bs, hs] = [o.get(path)?.sha, b.get(path)?.sha, h.get(path)?.sha];
        const pick = hs === os ? b.get(path) : bs === os || bs === hs ? h.get(path) : undefined;
        if (pick === undefined && hs !== os && bs !== os && bs !== hs) throw new Error(`merge conflict in ${path}`);
        if (pick) merged.set(path, pick);
      }
      tree = git.build(merged);
    }
    const by = this.account(opts.by ?? 'reviewer', 'User');
    const when = { time: Math.floor(this.now() / 1000), tz: '+0000' };
    const person = { name: by.login, email: `${by.id}+${by.login}@users.noreply.github.com`, ...when };
    const squash = opts.method === 'squash';
    const sha = git.putCommit({
      tree,
      parents: squash ? [base] : [base, head],
      author: person,
      committer: { name: 'GitHub', email: 'noreply@github.com', ...when },
      message: squash ? `${p.title} (#${p.number})` : `Merge pull request #${p.number} from ${r.owner.login}/${p.head}\n\n${p.title}`,
    });
    git.refs.set(`refs/heads/${p.base}`, sha);
    const now = this.nowIso();
    Object.assign(p, { frozen: facts, state: 'closed', closedAt: now, mergedAt: now, updatedAt: now, mergeCommitSha: sha, mergedBy: by });
    return sha;
  }

  checkRuns(ref: RepoRef): readonly CheckRunState[] {
    return this.repoOf(ref).checkRuns;
  }

  // --- the App -------------------------------------------------------------------------------

  /** Installs the App on an account, for all its repositories or the listed ones; returns the id. */
  addInstallation(o: {
    id?: number;
    account: string;
    accountType?: Account['type'];
    repos?: RepoRef[] | 'all';
    permissions?: Permissions;
    events?: string[];
  }): number {
    const id = o.id ?? ++this.ids.installation;
    if (this.installations.has(id)) throw new Error(`installation ${id} exists`);
    const now = this.nowIso();
    const installation: InstallationState = {
      id,
      account: this.account(o.account, o.accountType),
      selection: 'all',
      repoIds: new Set(),
      permissions: o.permissions ?? { ...DEFAULT_PERMISSIONS },
      events: o.events ?? [...this.identity.events],
      createdAt: now,
      updatedAt: now,
    };
    this.installations.set(id, installation);
    this.setInstallationRepos(id, o.repos ?? 'all');
    return id;
  }

  setInstallationRepos(id: number, repos: RepoRef[] | 'all'): void {
    const i = this.installationOf(id);
    i.selection = repos === 'all' ? 'all' : 'selected';
    i.repoIds = new Set(repos === 'all' ? [] : repos.map((r) => this.repoOf(r).id));
    i.updatedAt = this.nowIso();
  }

  /** Uninstalls the App: the installation's tokens stop working. */
  removeInstallation(id: number): void {
    this.installationOf(id);
    this.installations.delete(id);
    for (const [token, t] of this.tokens) if (t.installationId === id) this.tokens.delete(token);
  }

  /** An installation token, minted without the JWT exchange. */
  installationToken(id: number, opts: { repos?: RepoRef[]; permissions?: Permissions } = {}): string {
    const i = this.installationOf(id);
    return this.mintToken(i, opts.repos ? new Set(opts.repos.map((r) => this.repoOf(r).id)) : null, opts.permissions ?? i.permissions)
      .token;
  }

  /** A JWT for the App, valid now by default; claims can be overridden to test refusals. */
  appJwt(claims: { iat?: number; exp?: number; iss?: number | string } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ iat: now - 30, exp: now + 540, iss: this.identity.id, ...claims }, this.app.privateKeyPem);
  }

  // --- internals: state ----------------------------------------------------------------------

  private now(): number {
    return Date.now() + this.clockOffset;
  }

  private nowIso(): string {
    return isoOf(Math.floor(this.now() / 1000));
  }

  private findRepo(name: string): RepoState | undefined {
    const key = name.toLowerCase();
    for (const r of this.repos.values()) if (fullName(r).toLowerCase() === key) return r;
    return undefined;
  }

  private repoOf(ref: RepoRef): RepoState {
    const r = typeof ref === 'number' ? this.repos.get(ref) : this.findRepo(ref);
    if (!r) throw new Error(`the fake GitHub has no repository ${ref}`);
    this.syncDisk(r);
    return r;
  }

  private installationOf(id: number): InstallationState {
    const i = this.installations.get(id);
    if (!i) throw new Error(`the fake GitHub has no installation ${id}`);
    return i;
  }

  private mintToken(i: InstallationState, repoIds: Set<number> | null, permissions: Permissions): TokenState {
    const t: TokenState = {
      token: `ghs_${randomBytes(18).toString('hex')}`,
      installationId: i.id,
      expiresAt: this.now() + 3600_000,
      repoIds,
      permissions,
    };
    this.tokens.set(t.token, t);
    return t;
  }

  /** The repositories an installation (narrowed by a token) can reach. */
  private reachable(i: InstallationState, t?: TokenState): RepoState[] {
    const all = [...this.repos.values()].filter((r) => r.owner.id === i.account.id && (i.selection === 'all' || i.repoIds.has(r.id)));
    return t?.repoIds ? all.filter((r) => t.repoIds!.has(r.id)) : all;
  }

  private resolveCommitish(r: RepoState, ref: string): Sha | undefined {
    const git = r.git;
    if (/^[0-9a-f]{40}$/.test(ref)) return git.commit(ref) ? ref : undefined;
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const c of candidates) {
      const sha = git.refs.get(c);
      if (sha) return sha;
    }
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const found = [...git.objects.keys()].filter((sha) => sha.startsWith(ref) && git.commit(sha));
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  private pullFacts(r: RepoState, p: PullState): PullFacts {
    if (p.frozen) return p.frozen;
    const git = r.git;
    const headSha = git.refs.get(`refs/heads/${p.head}`) ?? '';
    const baseSha = git.refs.get(`refs/heads/${p.base}`) ?? '';
    const inBase = new Set(baseSha ? git.log(baseSha) : []);
    const commits = headSha ? git.log(headSha).filter((sha) => !inBase.has(sha)).length : 0;
    const mb = headSha && baseSha ? git.mergeBase(baseSha, headSha) : undefined;
    const before = mb ? git.flatten(git.commit(mb)!.tree) : new Map<string, FlatEntry>();
    const after = headSha ? git.flatten(git.commit(headSha)!.tree) : new Map<string, FlatEntry>();
    let additions = 0;
    let deletions = 0;
    let changedFiles = 0;
    const lines = (e?: FlatEntry): string[] =>
      e?.type === 'blob'
        ? git
            .blob(e.sha)!
            .toString('utf8')
            .split('\n')
            .filter((l, i, all) => l !== '' || i < all.length - 1)
        : [];
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const [a, b] = [before.get(path), after.get(path)];
      if (a?.sha === b?.sha && a?.mode === b?.mode) continue;
      changedFiles++;
      const count = (xs: string[]): Map<string, number> => xs.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
      const [old, neu] = [count(lines(a)), count(lines(b))];
      for (const [l, n] of neu) additions += Math.max(0, n - (old.get(l) ?? 0));
      for (const [l, n] of old) deletions += Math.max(0, n - (neu.get(l) ?? 0));
    }
    return { headSha, baseSha, commits, additions, deletions, changedFiles };
  }

  // --- internals: HTTP -----------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      method,
      path: decodePath(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      headers: req.headers,
      status: 0,
      auth: 'none',
      at,
    };
    this.requests.push(record);
    const rateKey = { key: 'anonymous', limit: 60 };
    const send = (reply: Reply, op?: string): void => this.send(res, record, reply, op, rateKey);

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send({ status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' } });
      }
    }
    record.body = body;

    const fault = this.takeFault(method, record.path);
    if (fault?.before) await fault.before();
    if (fault?.status === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (fault?.status !== undefined) return send(this.faultReply(fault));

    // Who is asking.
    const credential = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let principal: Principal;
    if (credential === undefined) {
      return send({ status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } });
    } else if (credential === this.token) {
      principal = { kind: 'static' };
      record.auth = 'static';
      Object.assign(rateKey, { key: `static`, limit: this.options.rateLimit ?? 5000 });
    } else if (looksLikeJwt(credential)) {
      const check = verifyAppJwt(
        credential,
        { id: this.identity.id, clientId: this.identity.clientId, publicKeyPem: this.app.publicKeyPem },
        Math.floor(this.now() / 1000),
      );
      if (!check.ok) {
        record.auth = 'invalid';
        return send({ status: 401, body: { message: check.message, documentation_url: DOCS, status: '401' } });
      }
      principal = { kind: 'app' };
      record.auth = 'app';
      Object.assign(rateKey, { key: 'app', limit: this.options.rateLimit ?? 5000 });
    } else {
      const t = this.tokens.get(credential);
      const installation = t ? this.installations.get(t.installationId) : undefined;
      if (!t || !installation || t.expiresAt <= this.now()) {
        record.auth = 'invalid';
        return send({ status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } });
      }
      principal = { kind: 'installation', token: t, installation };
      record.auth = 'installation';
      record.installationId = installation.id;
      Object.assign(rateKey, { key: `installation:${installation.id}`, limit: this.options.rateLimit ?? 5000 });
    }

    // The primary rate limit.
    const bucket = this.bucket(rateKey.key);
    if (bucket.used >= rateKey.limit) {
      const who =
        principal.kind === 'installation'
          ? `installation ID ${principal.installation.id}`
          : principal.kind === 'app'
            ? `app ID ${this.identity.id}`
            : 'this token';
      return send({
        status: 403,
        body: {
          message: `API rate limit exceeded for ${who}.`,
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
          status: '403',
        },
      });
    }
    bucket.used++;

    // The secondary limit on content creation, when asked for.
    const perMinute = this.options.writesPerMinute;
    if (perMinute !== undefined && !['GET', 'HEAD'].includes(method) && !/^\/app\/installations\/\d+\/access_tokens$/.test(record.path)) {
      const recent = (this.writes.get(rateKey.key) ?? []).filter((t) => t > this.now() - 60_000);
      this.writes.set(rateKey.key, recent);
      if (recent.length >= perMinute) return send(this.faultReply({ status: 403, secondaryRateLimit: true, seen: 0, used: 0 }));
      recent.push(this.now());
    }

    for (const r of this.repos.values()) this.syncDisk(r);
    const matched = this.match(method, url.pathname);
    if (!matched) return send({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
    const { route, params, repoSelector, rest } = matched;
    const call: Call = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: isObject(body) ? body : {},
      headers: req.headers,
      params,
      route,
      principal,
      repo: undefined as unknown as RepoState,
    };
    try {
      if (body !== undefined && !isObject(body)) this.fail(call, 400, 'Problems parsing JSON');
      this.authorize(call, repoSelector, rest, url.search);
      send(route.handle(call), route.op);
    } catch (e) {
      if (e instanceof Answer) send(e.reply, route.op);
      else throw e;
    }
  }

  private bucket(key: string): { used: number; resetAt: number } {
    let b = this.rate.get(key);
    if (!b || b.resetAt <= this.now())
      this.rate.set(key, (b = { used: 0, resetAt: this.now() + (this.options.rateLimitWindowMs ?? 3600_000) }));
    return b;
  }

  private takeFault(method: string, path: string): FaultState | undefined {
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== path : !f.path.test(path))) continue;
      if (f.used >= (f.times ?? 1)) continue;
      f.seen++;
      if (f.seen <= (f.after ?? 0)) continue;
      f.used++;
      return f;
    }
    return undefined;
  }

  private faultReply(f: FaultState): Reply {
    const status = f.status as number;
    const id = requestId();
    const secondary = f.secondaryRateLimit || status === 429;
    const headers: Record<string, string> = { 'x-github-request-id': id, ...(secondary ? { 'retry-after': '60' } : {}), ...f.headers };
    const body =
      f.body !== undefined
        ? f.body
        : secondary
          ? {
              message: `${SECONDARY_RATE_LIMIT} ${id}.`,
              documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
              status: String(status),
            }
          : {
              message: FAULT_MESSAGES[status] ?? 'Server Error',
              documentation_url: DOCS,
              status: String(status),
              ...(status === 422 ? { errors: [] } : {}),
            };
    return { status, body, headers };
  }

  private match(
    method: string,
    path: string,
  ): { route: Route; params: string[]; repoSelector?: { id: number } | { name: string }; rest: string } | undefined {
    let repoSelector: { id: number } | { name: string } | undefined;
    let rest = path;
    const byName = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byName) [repoSelector, rest] = [{ name: `${decodeURIComponent(byName[1]!)}/${decodeURIComponent(byName[2]!)}` }, byName[3] ?? ''];
    else if (byId) [repoSelector, rest] = [{ id: Number(byId[1]) }, byId[2] ?? ''];
    for (const route of this.routes) {
      if (route.method !== method || (route.scope === 'repo' || route.scope === 'app-repo') !== (repoSelector !== undefined)) continue;
      const m = route.pattern.exec(rest);
      if (!m) continue;
      const op = byId && rest === '' ? 'GET /repositories/{repository_id}' : route.op;
      return {
        route: { ...route, op },
        params: m.slice(1).map((p) => decodeURIComponent(p ?? '')),
        ...(repoSelector ? { repoSelector } : {}),
        rest,
      };
    }
    return undefined;
  }

  /** Resolves the repository of a repo route and checks that the caller may do this to it. */
  private authorize(call: Call, selector: { id: number } | { name: string } | undefined, rest: string, search: string): void {
    const { route, principal } = call;
    if (route.scope === 'app' && principal.kind !== 'app') this.fail(call, 401, 'A JSON web token could not be decoded');
    if (route.scope === 'installation' && principal.kind !== 'installation')
      this.fail(call, 403, 'This endpoint requires you to be authenticated as a GitHub App installation.');
    if (route.scope === 'repo' && principal.kind === 'app') this.fail(call, 403, 'Resource not accessible by integration');
    if (route.scope === 'app-repo' && principal.kind !== 'app') this.fail(call, 401, 'A JSON web token could not be decoded');
    if (route.scope === 'account' && principal.kind === 'app') this.fail(call, 403, 'Resource not accessible by integration');
    if (!selector) return;

    const write = route.permission?.[1] === 'write';
    let repo = 'id' in selector ? this.repos.get(selector.id) : this.findRepo(selector.name);
    let moved = false;
    if (!repo && 'name' in selector) {
      const id = this.redirects.get(selector.name.toLowerCase());
      repo = id === undefined ? undefined : this.repos.get(id);
      moved = repo !== undefined;
    }
    if (!repo) this.fail(call, 404, 'Not Found');
    // What an installation token may reach.
    let granted = true;
    if (principal.kind === 'installation') {
      const inInstallation = this.reachable(principal.installation, principal.token).some((r) => r.id === repo.id);
      if (!inInstallation && repo.private) this.fail(call, 404, 'Not Found');
      if (!inInstallation && write) this.fail(call, 403, 'Resource not accessible by integration');
      granted = inInstallation;
    }
    if (moved) {
      const location = `${this.url}/repositories/${repo.id}${rest}${search}`;
      throw new Answer({
        status: call.method === 'GET' ? 301 : 307,
        headers: { location },
        body: { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/v3/#http-redirects' },
      });
    }
    if (principal.kind === 'installation' && granted && route.permission) {
      const [name, level] = route.permission;
      const has = principal.token.permissions[name];
      if (!(has === 'write' || (has === 'read' && level === 'read'))) this.fail(call, 403, 'Resource not accessible by integration');
    }
    if (write && repo.archived) this.fail(call, 403, 'Repository was archived so is read-only.');
    call.repo = repo;
  }

  private send(
    res: ServerResponse,
    record: RecordedRequest,
    reply: Reply,
    op: string | undefined,
    rate: { key: string; limit: number },
  ): void {
    const bucket = this.bucket(rate.key);
    const headers: Record<string, string> = {
      // The fake's clock (see advanceTime): App libraries correct JWT clock drift from it.
      date: new Date(this.now()).toUTCString(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId(),
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(Math.max(0, rate.limit - bucket.used)),
      'x-ratelimit-reset': String(Math.ceil(bucket.resetAt / 1000)),
      'x-ratelimit-used': String(bucket.used),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    record.status = reply.status;
    if (reply.raw) {
      res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(reply.raw);
      return;
    }
    let body = reply.body;
    if (body !== undefined && this.corrupt) {
      body = this.corrupt(body);
      this.corrupt = undefined;
    }
    for (const problem of responseSchemas().check(op, reply.status, body)) {
      this.violations.push({
        method: record.method,
        path: record.path,
        status: reply.status,
        against: problem.against,
        errors: problem.errors,
        body,
      });
    }
    if (body === undefined) res.writeHead(reply.status, headers).end();
    else res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  }

  private fail(call: Call, status: number, message: string, extra: Record<string, unknown> = {}): never {
    throw new Answer({ status, body: { message, ...extra, documentation_url: `${DOCS}/${call.route.docs}`, status: String(status) } });
  }

  /** 422 Validation Failed with GitHub's `errors` list. */
  private invalid(call: Call, errors: Array<Record<string, unknown>>): never {
    return this.fail(call, 422, 'Validation Failed', { errors });
  }

  /** 422 for a request body that breaks the endpoint's input schema, worded as GitHub words it. */
  private badInput(call: Call, detail: string): never {
    return this.fail(call, 422, `Invalid request.\n\n${detail}`);
  }

  private requireString(call: Call, field: string, opts: { optional?: boolean } = {}): string | undefined {
    const v = call.body[field];
    if (v === undefined || v === null) {
      if (opts.optional) return undefined;
      this.badInput(call, `"${field}" wasn't supplied.`);
    }
    if (typeof v !== 'string') this.badInput(call, `For 'properties/${field}', ${JSON.stringify(v)} is not a string.`);
    return v;
  }

  private page<T>(call: Call, items: T[]): { items: T[]; headers: Record<string, string> } {
    const int = (name: string): number | undefined => {
      const n = Number.parseInt(call.query.get(name) ?? '', 10);
      return Number.isFinite(n) && n > 0 ? n : undefined;
    };
    const perPage = Math.min(100, int('per_page') ?? 30);
    const page = int('page') ?? 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string): string => {
      const q = new URLSearchParams(call.query);
      q.set('per_page', String(perPage));
      q.set('page', String(n));
      return `<${this.url}${call.path}?${q.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
  }

  private actor(principal: Principal): { app: AppIdentity; bot: Account } {
    const app = principal.kind === 'installation' ? this.identity : GITHUB_ACTIONS;
    const bot =
      principal.kind === 'installation'
        ? this.account(`${app.slug}[bot]`, 'Bot', app.id + 10_000_000)
        : this.account('github-actions[bot]', 'Bot', 41898282);
    return { app, bot };
  }

  // --- routes --------------------------------------------------------------------------------

  private buildRoutes(): Route[] {
    const R = (
      method: string,
      pattern: RegExp,
      scope: Scope,
      op: string,
      docs: string,
      permission: [string, Permission] | undefined,
      handle: (call: Call) => Reply,
    ): Route => ({
      method,
      pattern,
      scope,
      op,
      docs,
      ...(permission ? { permission } : {}),
      handle: handle.bind(this),
    });
    const repo = '/repos/{owner}/{repo}';
    return [
      R('GET', /^$/, 'repo', `GET ${repo}`, 'repos/repos#get-a-repository', ['metadata', 'read'], this.getRepository),
      R(
        'GET',
        /^\/contents(?:\/(.*))?$/,
        'repo',
        `GET ${repo}/contents/{path}`,
        'repos/contents#get-repository-content',
        ['contents', 'read'],
        this.getContent,
      ),
      R('GET', /^\/git\/ref\/(.+)$/, 'repo', `GET ${repo}/git/ref/{ref}`, 'git/refs#get-a-reference', ['contents', 'read'], this.getRef),
      R(
        'GET',
        /^\/git\/refs(?:\/(.*))?$/,
        'repo',
        `GET ${repo}/git/refs/{ref}`,
        'git/refs#get-a-reference',
        ['contents', 'read'],
        this.getRefsLegacy,
      ),
      R(
        'GET',
        /^\/git\/matching-refs\/(.*)$/,
        'repo',
        `GET ${repo}/git/matching-refs/{ref}`,
        'git/refs#list-matching-references',
        ['contents', 'read'],
        this.listMatchingRefs,
      ),
      R('POST', /^\/git\/refs$/, 'repo', `POST ${repo}/git/refs`, 'git/refs#create-a-reference', ['contents', 'write'], this.createRef),
      R(
        'PATCH',
        /^\/git\/refs\/(.+)$/,
        'repo',
        `PATCH ${repo}/git/refs/{ref}`,
        'git/refs#update-a-reference',
        ['contents', 'write'],
        this.updateRef,
      ),
      R(
        'DELETE',
        /^\/git\/refs\/(.+)$/,
        'repo',
        `DELETE ${repo}/git/refs/{ref}`,
        'git/refs#delete-a-reference',
        ['contents', 'write'],
        this.deleteRef,
      ),
      R(
        'GET',
        /^\/git\/commits\/([^/]+)$/,
        'repo',
        `GET ${repo}/git/commits/{commit_sha}`,
        'git/commits#get-a-commit-object',
        ['contents', 'read'],
        this.getCommit,
      ),
      R(
        'POST',
        /^\/git\/commits$/,
        'repo',
        `POST ${repo}/git/commits`,
        'git/commits#create-a-commit',
        ['contents', 'write'],
        this.createCommit,
      ),
      R(
        'GET',
        /^\/git\/trees\/([^/]+)$/,
        'repo',
        `GET ${repo}/git/trees/{tree_sha}`,
        'git/trees#get-a-tree',
        ['contents', 'read'],
        this.getTree,
      ),
      R('POST', /^\/git\/trees$/, 'repo', `POST ${repo}/git/trees`, 'git/trees#create-a-tree', ['contents', 'write'], this.createTree),
      R(
        'GET',
        /^\/git\/blobs\/([^/]+)$/,
        'repo',
        `GET ${repo}/git/blobs/{file_sha}`,
        'git/blobs#get-a-blob',
        ['contents', 'read'],
        this.getBlob,
      ),
      R('POST', /^\/git\/blobs$/, 'repo', `POST ${repo}/git/blobs`, 'git/blobs#create-a-blob', ['contents', 'write'], this.createBlob),
      R('GET', /^\/pulls$/, 'repo', `GET ${repo}/pulls`, 'pulls/pulls#list-pull-requests', ['pull_requests', 'read'], this.listPulls),
      R(
        'POST',
        /^\/pulls$/,
        'repo',
        `POST ${repo}/pulls`,
        'pulls/pulls#create-a-pull-request',
        ['pull_requests', 'write'],
        this.createPull,
      ),
      R(
        'GET',
        /^\/pulls\/(\d+)$/,
        'repo',
        `GET ${repo}/pulls/{pull_number}`,
        'pulls/pulls#get-a-pull-request',
        ['pull_requests', 'read'],
        this.getPull,
      ),
      R(
        'PATCH',
        /^\/pulls\/(\d+)$/,
        'repo',
        `PATCH ${repo}/pulls/{pull_number}`,
        'pulls/pulls#update-a-pull-request',
        ['pull_requests', 'write'],
        this.updatePull,
      ),
      R(
        'POST',
        /^\/check-runs$/,
        'repo',
        `POST ${repo}/check-runs`,
        'checks/runs#create-a-check-run',
        ['checks', 'write'],
        this.createCheckRun,
      ),
      R(
        'GET',
        /^\/check-runs\/(\d+)$/,
        'repo',
        `GET ${repo}/check-runs/{check_run_id}`,
        'checks/runs#get-a-check-run',
        ['checks', 'read'],
        this.getCheckRun,
      ),
      R(
        'PATCH',
        /^\/check-runs\/(\d+)$/,
        'repo',
        `PATCH ${repo}/check-runs/{check_run_id}`,
        'checks/runs#update-a-check-run',
        ['checks', 'write'],
        this.updateCheckRun,
      ),
      R(
        'POST',
        /^\/dispatches$/,
        'repo',
        `POST ${repo}/dispatches`,
        'repos/repos#create-a-repository-dispatch-event',
        ['contents', 'write'],
        this.repositoryDispatch,
      ),
      R(
        'POST',
        /^\/actions\/workflows\/([^/]+)\/dispatches$/,
        'repo',
        `POST ${repo}/actions/workflows/{workflow_id}/dispatches`,
        'actions/workflows#create-a-workflow-dispatch-event',
        ['actions', 'write'],
        this.workflowDispatch,
      ),
      R(
        'GET',
        /^\/installation$/,
        'app-repo',
        `GET ${repo}/installation`,
        'apps/apps#get-a-repository-installation-for-the-authenticated-app',
        undefined,
        this.getRepoInstallation,
      ),
      R('GET', /^\/app$/, 'app', 'GET /app', 'apps/apps#get-the-authenticated-app', undefined, this.getApp),
      R(
        'GET',
        /^\/app\/installations$/,
        'app',
        'GET /app/installations',
        'apps/apps#list-installations-for-the-authenticated-app',
        undefined,
        this.listInstallations,
      ),
      R(
        'GET',
        /^\/app\/installations\/(\d+)$/,
        'app',
        'GET /app/installations/{installation_id}',
        'apps/apps#get-an-installation-for-the-authenticated-app',
        undefined,
        this.getInstallation,
      ),
      R(
        'POST',
        /^\/app\/installations\/(\d+)\/access_tokens$/,
        'app',
        'POST /app/installations/{installation_id}/access_tokens',
        'apps/apps#create-an-installation-access-token-for-an-app',
        undefined,
        this.createAccessToken,
      ),
      R(
        'POST',
        /^\/orgs\/([^/]+)\/repos$/,
        'account',
        'POST /orgs/{org}/repos',
        'repos/repos#create-an-organization-repository',
        undefined,
        this.createOrgRepo,
      ),
      R(
        'GET',
        /^\/installation\/repositories$/,
        'installation',
        'GET /installation/repositories',
        'apps/installations#list-repositories-accessible-to-the-app-installation',
        undefined,
        this.listInstallationRepos,
      ),
    ];
  }

  private api(call: Call): string {
    return `${this.url}/repos/${fullName(call.repo)}`;
  }

  // repositories

  /** `POST /orgs/{org}/repos`: a public or private repository in an organization (an installation needs administration: write there). */
  private createOrgRepo(call: Call): Reply {
    const org = this.accounts.get(call.params[0]!.toLowerCase());
    if (!org || org.type !== 'Organization') this.fail(call, 404, 'Not Found');
    const p = call.principal;
    if (p.kind === 'installation') {
      if (p.installation.account.id !== org.id || p.token.permissions['administration'] !== 'write')
        this.fail(call, 403, 'Resource not accessible by integration');
    }
    const name = this.requireString(call, 'name')!;
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === '.' || name === '..')
      this.invalid(call, [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name is invalid' }]);
    if (this.findRepo(`${org.login}/${name}`))
      throw new Answer({
        status: 422,
        body: {
          message: 'Repository creation failed.',
          errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
          documentation_url: `${DOCS}/${call.route.docs}`,
          status: '422',
        },
      });
    const description = this.requireString(call, 'description', { optional: true });
    const id = this.addRepo({
      owner: org.login,
      name,
      private: call.body['private'] === true,
      ...(description !== undefined ? { description } : {}),
    });
    const repo = this.repos.get(id)!;
    if (this.options.gitRoot) {
      const dir = join(this.options.gitRoot, org.login, `${name}.git`);
      mkdirSync(dir, { recursive: true });
      execFileSync('git', ['init', '-q', '--bare', '-b', repo.defaultBranch, dir], { env: bareGitEnv(), stdio: 'ignore' });
      repo.disk = { dir, cloneUrl: pathToFileURL(dir).href, synced: '' };
    }
    const admin = { admin: true, maintain: true, push: true, triage: true, pull: true };
    return { status: 201, body: repoJson(this.url, repo, admin) };
  }

  /** Imports what was pushed to a repository's bare repository on disk (objects, then branches). */
  private syncDisk(r: RepoState): void {
    if (!r.disk) return;
    const env = bareGitEnv();
    const refs = execFileSync('git', ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], {
      cwd: r.disk.dir,
      env,
    }).toString('utf8');
    if (refs === r.disk.synced) return;
    const all = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
      cwd: r.disk.dir,
      env,
      maxBuffer: 1 << 30,
    });
    let at = 0;
    while (at < all.length) {
      const nl = all.indexOf(0x0a, at);
      const [sha, type, size] = all.subarray(at, nl).toString('utf8').split(' ');
      const body = all.subarray(nl + 1, nl + 1 + Number(size));
      at = nl + 1 + Number(size) + 1;
      const made = importObject(r.git, type!, Buffer.from(body));
      if (made !== sha) throw new Error(`the fake could not import ${type} ${sha} of ${r.disk.dir} (got ${made})`);
    }
    for (const name of [...r.git.refs.keys()]) if (name.startsWith('refs/heads/')) r.git.refs.delete(name);
    for (const line of refs.split('\n').filter(Boolean)) {
      const [sha, name] = line.split(' ');
      r.git.refs.set(name!, sha!);
    }
    r.disk.synced = refs;
    r.pushedAt = this.nowIso();
  }

  private getRepository(call: Call): Reply {
    const p = call.principal;
    const push =
      p.kind === 'static' ||
      (p.kind === 'installation' &&
        p.token.permissions.contents === 'write' &&
        this.reachable(p.installation, p.token).some((r) => r.id === call.repo.id));
    const admin = p.kind === 'static';
    return { status: 200, body: repoJson(this.url, call.repo, { admin, maintain: admin, push, triage: push, pull: true }) };
  }

  // contents

  private getContent(call: Call): Reply {
    const r = call.repo;
    const git = r.git;
    const path = (call.params[0] ?? '').replace(/^\/+|\/+$/g, '');
    if (git.empty) this.fail(call, 404, 'This repository is empty.');
    const refName = call.query.get('ref') || r.defaultBranch;
    const sha = this.resolveCommitish(r, refName);
    if (!sha) this.fail(call, 404, `No commit found for the ref ${refName}`);
    const entry = git.entryAt(git.commit(sha)!.tree, path);
    if (!entry) this.fail(call, 404, 'Not Found');
    const accept = String(call.headers.accept ?? '');
    const describe = (p: string, e: FlatEntry): Record<string, unknown> => {
      const name = p.split('/').pop() ?? '';
      const self = `${this.api(call)}/contents/${p}?ref=${encodeURIComponent(refName)}`;
      const gitUrl =
        e.type === 'tree' ? `${this.api(call)}/git/trees/${e.sha}` : e.type === 'blob' ? `${this.api(call)}/git/blobs/${e.sha}` : null;
      const html = e.type === 'commit' ? null : `https://github.com/${fullName(r)}/${e.type === 'tree' ? 'tree' : 'blob'}/${refName}/${p}`;
      const type = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : e.mode === '120000' ? 'symlink' : 'file';
      return {
        type,
        name,
        path: p,
        sha: e.sha,
        size: e.type === 'blob' ? git.blob(e.sha)!.length : 0,
        url: self,
        html_url: html,
        git_url: gitUrl,
        download_url: type === 'file' ? `https://raw.githubusercontent.com/${fullName(r)}/${refName}/${p}` : null,
        _links: { self, git: gitUrl, html },
      };
    };
    if (entry.type === 'tree') {
      const listing = git.tree(entry.sha)!.map((e) => describe(path ? `${path}/${e.name}` : e.name, e));
      return { status: 200, body: listing };
    }
    if (entry.type === 'commit') return { status: 200, body: { ...describe(path, entry), submodule_git_url: '' } };
    const data = git.blob(entry.sha)!;
    if (entry.mode === '120000') return { status: 200, body: { ...describe(path, entry), target: data.toString('utf8') } };
    if (/vnd\.github(?:\.v3)?\.raw/.test(accept)) return { status: 200, raw: data };
    // GitHub leaves files over 1 MB out of this answer (the raw media type or the blobs API has them).
    const large = data.length > 1024 * 1024;
    return {
      status: 200,
      body: { ...describe(path, entry), content: large ? '' : base64Lines(data), encoding: large ? 'none' : 'base64' },
    };
  }

  // refs

  private emptyRepo(call: Call): void {
    if (call.repo.git.empty) this.fail(call, 409, 'Git Repository is empty.');
  }

  private refJson(call: Call, ref: string): Record<string, unknown> {
    return gitRefJson(this.url, call.repo, ref, call.repo.git.refs.get(ref)!);
  }

  private sortedRefs(call: Call, prefix: string): string[] {
    return [...call.repo.git.refs.keys()].filter((r) => r.startsWith(prefix)).sort();
  }

  private getRef(call: Call): Reply {
    this.emptyRepo(call);
    const ref = `refs/${call.params[0]}`;
    if (!call.repo.git.refs.has(ref)) this.fail(call, 404, 'Not Found');
    return { status: 200, body: this.refJson(call, ref) };
  }

  /** The legacy form: one ref when the name is exact, else every ref it prefixes, else 404. */
  private getRefsLegacy(call: Call): Reply {
    this.emptyRepo(call);
    const name = (call.params[0] ?? '').replace(/\/+$/, '');
    const ref = name === '' ? 'refs/' : `refs/${name}`;
    if (call.repo.git.refs.has(ref)) return { status: 200, body: this.refJson(call, ref) };
    const matching = this.sortedRefs(call, ref);
    if (matching.length === 0) this.fail(call, 404, 'Not Found');
    return { status: 200, body: matching.map((r) => this.refJson(call, r)) };
  }

  private listMatchingRefs(call: Call): Reply {
    this.emptyRepo(call);
    return { status: 200, body: this.sortedRefs(call, `refs/${call.params[0] ?? ''}`).map((r) => this.refJson(call, r)) };
  }

  private createRef(call: Call): Reply {
    const ref = this.requireString(call, 'ref')!;
    const sha = this.requireString(call, 'sha')!;
    if (!/^refs\/[^/]+\/.+/.test(ref) || ref.endsWith('/') || ref.includes('..'))
      this.fail(call, 422, `Reference name must start with 'refs/' and have at least two slashes.`);
    if (!call.repo.git.objects.has(sha)) this.fail(call, 422, 'Object does not exist');
    if (ref.startsWith('refs/heads/') && !call.repo.git.commit(sha)) this.fail(call, 422, 'Object is not a commit');
    if (call.repo.git.refs.has(ref)) this.fail(call, 422, 'Reference already exists');
    call.repo.git.refs.set(ref, sha);
    call.repo.pushedAt = this.nowIso();
    return { status: 201, body: this.refJson(call, ref), headers: { location: `${this.api(call)}/git/${ref}` } };
  }

  private updateRef(call: Call): Reply {
    const ref = `refs/${call.params[0]}`;
    const sha = this.requireString(call, 'sha')!;
    const force = call.body.force;
    if (force !== undefined && typeof force !== 'boolean')
      this.badInput(call, `For 'properties/force', ${JSON.stringify(force)} is not a boolean.`);
    const git = call.repo.git;
    const current = git.refs.get(ref);
    if (current === undefined) this.fail(call, 422, 'Reference does not exist');
    if (!git.objects.has(sha)) this.fail(call, 422, 'Object does not exist');
    if (ref.startsWith('refs/heads/') && !git.commit(sha)) this.fail(call, 422, 'Object is not a commit');
    if (force !== true && !git.isAncestor(current, sha)) this.fail(call, 422, 'Update is not a fast forward');
    git.refs.set(ref, sha);
    call.repo.pushedAt = this.nowIso();
    return { status: 200, body: this.refJson(call, ref) };
  }

  private deleteRef(call: Call): Reply {
    const ref = `refs/${call.params[0]}`;
    if (!call.repo.git.refs.delete(ref)) this.fail(call, 422, 'Reference does not exist');
    return { status: 204 };
  }

  // commits, trees, blobs

  private getCommit(call: Call): Reply {
    this.emptyRepo(call);
    const sha = call.params[0]!;
    if (!call.repo.git.commit(sha)) this.fail(call, 404, 'Not Found');
    return { status: 200, body: gitCommitJson(this.url, call.repo, sha) };
  }

  private createCommit(call: Call): Reply {
    const git = call.repo.git;
    const message = this.requireString(call, 'message')!;
    const tree = this.requireString(call, 'tree')!;
    const parents = call.body.parents ?? [];
    if (!Array.isArray(parents) || !parents.every((p): p is string => typeof p === 'string'))
      this.badInput(call, `For 'properties/parents', ${JSON.stringify(parents)} is not an array of strings.`);
    if (!git.tree(tree)) this.fail(call, 422, 'Tree SHA does not exist');
    for (const p of parents) if (!git.commit(p)) this.fail(call, 422, 'Parent SHA does not exist or is not a commit object');
    const signature = (field: 'author' | 'committer', fallback: Signature): Signature => {
      const v = call.body[field];
      if (v === undefined) return fallback;
      if (!isObject(v) || typeof v.name !== 'string' || typeof v.email !== 'string')
        this.badInput(call, `For 'properties/${field}', ${JSON.stringify(v)} needs "name" and "email" strings.`);
      let when = { time: Math.floor(this.now() / 1000), tz: '+0000' };
      if (v.date !== undefined) {
        const parsed = typeof v.date === 'string' ? parseDate(v.date) : undefined;
        if (!parsed) this.fail(call, 422, `${JSON.stringify(v.date)} is not a valid date-time`);
        when = parsed;
      }
      return { name: v.name, email: v.email, ...when };
    };
    const { bot } = this.actor(call.principal);
    const me: Signature = {
      name: bot.login,
      email: `${bot.id}+${bot.login}@users.noreply.github.com`,
      time: Math.floor(this.now() / 1000),
      tz: '+0000',
    };
    const author = signature('author', me);
    const committer = signature('committer', author);
    const sha = git.putCommit({ tree, parents, author, committer, message });
    return { status: 201, body: gitCommitJson(this.url, call.repo, sha), headers: { location: `${this.api(call)}/git/commits/${sha}` } };
  }

  private treeJson(call: Call, sha: Sha, recursive: boolean): Record<string, unknown> {
    const git = call.repo.git;
    const entries: Array<Record<string, unknown>> = [];
    const walk = (treeSha: Sha, prefix: string): void => {
      for (const e of git.tree(treeSha)!) {
        const path = prefix + e.name;
        entries.push({
          path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.type === 'blob' ? { size: git.blob(e.sha)!.length } : {}),
          ...(e.type === 'commit' ? {} : { url: `${this.api(call)}/git/${e.type}s/${e.sha}` }),
        });
        if (recursive && e.type === 'tree') walk(e.sha, `${path}/`);
      }
    };
    walk(sha, '');
    const LIMIT = 100_000;
    return { sha, url: `${this.api(call)}/git/trees/${sha}`, tree: entries.slice(0, LIMIT), truncated: entries.length > LIMIT };
  }

  private getTree(call: Call): Reply {
    this.emptyRepo(call);
    const git = call.repo.git;
    const id = call.params[0]!;
    let sha: Sha | undefined = git.tree(id) ? id : undefined;
    if (!sha) {
      const commit = this.resolveCommitish(call.repo, id);
      sha = commit ? git.commit(commit)!.tree : undefined;
    }
    if (!sha) this.fail(call, 404, 'Not Found');
    const recursive = call.query.get('recursive');
    return {
      status: 200,
      body: this.treeJson(call, sha, recursive !== null && recursive !== '' && recursive !== '0' && recursive !== 'false'),
    };
  }

  private createTree(call: Call): Reply {
    const git = call.repo.git;
    const entries = call.body.tree;
    if (!Array.isArray(entries))
      this.badInput(
        call,
        entries === undefined ? `"tree" wasn't supplied.` : `For 'properties/tree', ${JSON.stringify(entries)} is not an array.`,
      );
    let base: Sha | null = null;
    const baseTree = call.body.base_tree;
    if (baseTree !== undefined && baseTree !== null) {
      if (typeof baseTree !== 'string') this.badInput(call, `For 'properties/base_tree', ${JSON.stringify(baseTree)} is not a string.`);
      const commit = git.commit(baseTree);
      base = git.tree(baseTree) ? baseTree : commit ? commit.tree : null;
      if (base === null) this.fail(call, 422, 'base_tree is not a valid tree oid');
    }
    const changes: TreeChange[] = [];
    for (const [index, e] of entries.entries()) {
      if (!isObject(e) || typeof e.path !== 'string' || e.path === '')
        this.badInput(call, `For 'items', ${JSON.stringify(e)} needs a "path".`);
      const mode = e.mode as Mode;
      if (!MODES.includes(mode)) this.invalid(call, [{ resource: 'Tree', field: 'mode', code: 'invalid', index }]);
      const type = (e.type ?? typeOfMode(mode)) as string;
      if (type !== typeOfMode(mode)) this.invalid(call, [{ resource: 'Tree', field: 'type', code: 'invalid', index }]);
      const hasSha = 'sha' in e;
      if (hasSha && e.content !== undefined)
        this.fail(call, 422, 'Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
      if (e.content !== undefined) {
        if (typeof e.content !== 'string' || type !== 'blob')
          this.invalid(call, [{ resource: 'Tree', field: 'content', code: 'invalid', index }]);
        changes.push({ path: e.path, mode, type: 'blob', sha: git.putBlob(Buffer.from(e.content)) });
      } else if (hasSha) {
        const sha = e.sha;
        if (sha === null) changes.push({ path: e.path, mode, type, sha: null });
        else {
          const ok =
            typeof sha === 'string' &&
            (type === 'commit'
              ? /^[0-9a-f]{40}$/.test(sha)
              : git.objects.get(sha)?.type === type || (type === 'tree' && git.tree(sha) !== undefined));
          if (!ok) this.fail(call, 422, `tree.sha ${String(sha)} is not a valid ${type}`);
          changes.push({ path: e.path, mode, type, sha });
        }
      } else this.fail(call, 422, 'Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
    }
    const sha = git.edit(base, changes);
    return { status: 201, body: this.treeJson(call, sha, false), headers: { location: `${this.api(call)}/git/trees/${sha}` } };
  }

  private getBlob(call: Call): Reply {
    this.emptyRepo(call);
    const sha = call.params[0]!;
    const data = call.repo.git.blob(sha);
    if (!data) this.fail(call, 404, 'Not Found');
    if (/vnd\.github(?:\.v3)?\.raw/.test(String(call.headers.accept ?? ''))) return { status: 200, raw: data };
    return {
      status: 200,
      body: {
        sha,
        node_id: Buffer.from(`0:Blob${sha}`).toString('base64'),
        size: data.length,
        url: `${this.api(call)}/git/blobs/${sha}`,
        content: base64Lines(data),
        encoding: 'base64',
      },
    };
  }

  private createBlob(call: Call): Reply {
    const content = this.requireString(call, 'content')!;
    const encoding = this.requireString(call, 'encoding', { optional: true }) ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64')
      this.fail(call, 422, `encoding must be "utf-8" or "base64", not ${JSON.stringify(encoding)}`);
    if (encoding === 'base64' && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content)) this.fail(call, 422, 'content is not valid Base64');
    const sha = call.repo.git.putBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
    return {
      status: 201,
      body: { url: `${this.api(call)}/git/blobs/${sha}`, sha },
      headers: { location: `${this.api(call)}/git/blobs/${sha}` },
    };
  }

  // pull requests

  private pullBody(call: Call, p: PullState): Record<string, unknown> {
    return pullJson(this.url, call.repo, p, this.pullFacts(call.repo, p));
  }

  /** `branch` or `owner:branch` (this repository's owner) → branch. */
  private headBranch(call: Call, head: string): string | undefined {
    const [owner, branch] = head.includes(':') ? head.split(':', 2) : [call.repo.owner.login, head];
    return owner!.toLowerCase() === call.repo.owner.login.toLowerCase() ? branch : undefined;
  }

  private listPulls(call: Call): Reply {
    const state = call.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) this.invalid(call, [{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    const head = call.query.get('head');
    const base = call.query.get('base');
    const headFilter = head && head.includes(':') ? head.split(':', 2) : undefined;
    const direction = call.query.get('direction') ?? 'desc';
    const pulls = call.repo.pulls
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => !headFilter || (headFilter[0]!.toLowerCase() === call.repo.owner.login.toLowerCase() && headFilter[1] === p.head))
      .filter((p) => !base || p.base === base)
      .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
    const { items, headers } = this.page(call, pulls);
    return { status: 200, body: items.map((p) => this.pullBody(call, p)), headers };
  }

  private createPull(call: Call): Reply {
    const r = call.repo;
    const title = this.requireString(call, 'title', { optional: true });
    const headSpec = this.requireString(call, 'head')!;
    const base = this.requireString(call, 'base')!;
    const body = this.requireString(call, 'body', { optional: true }) ?? null;
    if (!title) this.invalid(call, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    const head = this.headBranch(call, headSpec);
    const errors: Array<Record<string, unknown>> = [];
    if (!r.git.refs.has(`refs/heads/${base}`)) errors.push({ resource: 'PullRequest', field: 'base', code: 'invalid' });
    if (!head || !r.git.refs.has(`refs/heads/${head}`)) errors.push({ resource: 'PullRequest', field: 'head', code: 'invalid' });
    if (errors.length > 0) this.invalid(call, errors);
    const headSha = r.git.refs.get(`refs/heads/${head!}`)!;
    const baseSha = r.git.refs.get(`refs/heads/${base}`)!;
    if (r.git.isAncestor(headSha, baseSha))
      this.invalid(call, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head!}` }]);
    if (r.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base))
      this.invalid(call, [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner.login}:${head!}.` },
      ]);
    const now = this.nowIso();
    const p: PullState = {
      id: ++this.ids.pull,
      number: r.nextNumber++,
      title,
      body,
      state: 'open',
      draft: call.body.draft === true,
      head: head!,
      base,
      frozen: null,
      user: this.actor(call.principal).bot,
      maintainerCanModify: call.body.maintainer_can_modify === true,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
    };
    r.pulls.push(p);
    return { status: 201, body: this.pullBody(call, p), headers: { location: `${this.api(call)}/pulls/${p.number}` } };
  }

  private pullOf(call: Call): PullState {
    const p = call.repo.pulls.find((x) => x.number === Number(call.params[0]));
    if (!p) this.fail(call, 404, 'Not Found');
    return p;
  }

  private getPull(call: Call): Reply {
    return { status: 200, body: this.pullBody(call, this.pullOf(call)) };
  }

  private updatePull(call: Call): Reply {
    const r = call.repo;
    const p = this.pullOf(call);
    const title = this.requireString(call, 'title', { optional: true });
    const body = this.requireString(call, 'body', { optional: true });
    const state = this.requireString(call, 'state', { optional: true });
    const base = this.requireString(call, 'base', { optional: true });
    if (state !== undefined && state !== 'open' && state !== 'closed')
      this.invalid(call, [{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
    if (base !== undefined && !r.git.refs.has(`refs/heads/${base}`))
      this.invalid(call, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (state === 'open' && p.state === 'closed') {
      if (p.mergedAt) this.fail(call, 422, 'Cannot reopen a merged pull request');
      if (!r.git.refs.has(`refs/heads/${p.head}`)) this.invalid(call, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (r.pulls.some((x) => x !== p && x.state === 'open' && x.head === p.head && x.base === (base ?? p.base))) {
        this.invalid(call, [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner.login}:${p.head}.` },
        ]);
      }
    }
    const now = this.nowIso();
    if (title !== undefined) p.title = title;
    if (body !== undefined) p.body = body;
    if (base !== undefined) p.base = base;
    if (typeof call.body.maintainer_can_modify === 'boolean') p.maintainerCanModify = call.body.maintainer_can_modify;
    if (state === 'closed' && p.state === 'open') Object.assign(p, { frozen: this.pullFacts(r, p), state: 'closed', closedAt: now });
    if (state === 'open' && p.state === 'closed') Object.assign(p, { frozen: null, state: 'open', closedAt: null });
    p.updatedAt = now;
    return { status: 200, body: this.pullBody(call, p) };
  }

  // check runs

  private checkRunBody(call: Call, c: CheckRunState): Record<string, unknown> {
    const r = call.repo;
    const side = (ref: string): Record<string, unknown> => ({
      ref,
      sha: r.git.refs.get(`refs/heads/${ref}`) ?? '',
      repo: { id: r.id, url: `${this.url}/repos/${fullName(r)}`, name: r.name },
    });
    const pulls = r.pulls
      .filter((p) => p.state === 'open' && r.git.refs.get(`refs/heads/${p.head}`) === c.headSha)
      .map((p) => ({ id: p.id, number: p.number, url: `${this.api(call)}/pulls/${p.number}`, head: side(p.head), base: side(p.base) }));
    return checkRunJson(this.url, r, c, pulls);
  }

  /** Applies the fields of a create or update request to a check run (annotations are appended). */
  private applyCheckRun(call: Call, c: CheckRunState): void {
    const b = call.body;
    const STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'];
    const CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'];
    const name = this.requireString(call, 'name', { optional: true });
    const status = this.requireString(call, 'status', { optional: true });
    const conclusion = this.requireString(call, 'conclusion', { optional: true });
    if (status !== undefined && !STATUSES.includes(status))
      this.badInput(call, `For 'properties/status', ${JSON.stringify(status)} is not a member of ${JSON.stringify(STATUSES)}.`);
    if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion))
      this.badInput(call, `For 'properties/conclusion', ${JSON.stringify(conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`);
    if (status === 'completed' && conclusion === undefined && c.conclusion === null)
      this.invalid(call, [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' }]);
    const dates: Partial<Record<'started_at' | 'completed_at', string>> = {};
    for (const field of ['started_at', 'completed_at'] as const) {
      const v = this.requireString(call, field, { optional: true });
      if (v !== undefined) {
        const parsed = parseDate(v);
        if (!parsed) this.badInput(call, `For 'properties/${field}', ${JSON.stringify(v)} is not a date-time.`);
        dates[field] = isoOf(parsed.time);
      }
    }
    let annotations: Annotation[] = [];
    const output = b.output;
    if (output !== undefined) {
      if (!isObject(output)) this.badInput(call, `For 'properties/output', ${JSON.stringify(output)} is not an object.`);
      for (const field of ['title', 'summary'] as const)
        if (typeof output[field] !== 'string') this.badInput(call, `For 'properties/output', "${field}" wasn't supplied.`);
      for (const field of ['summary', 'text'] as const) {
        const v = output[field];
        if (typeof v === 'string' && v.length > 65535)
          this.invalid(call, [
            {
              resource: 'CheckRun',
              field: `output.${field}`,
              code: 'too_long',
              message: `Output ${field} is too long (maximum is 65535 characters)`,
            },
          ]);
      }
      const list = output.annotations ?? [];
      if (!Array.isArray(list)) this.badInput(call, `For 'properties/annotations', ${JSON.stringify(list)} is not an array.`);
      if (list.length > 50)
        this.badInput(call, `For 'properties/annotations', ${list.length} items were supplied; the maximum is 50 per request.`);
      annotations = list.map((a: unknown, i: number) => this.annotation(call, a, i));
    }
    if (name !== undefined) c.name = name;
    if (b.external_id !== undefined) c.externalId = typeof b.external_id === 'string' ? b.external_id : null;
    if (b.details_url !== undefined) c.detailsUrl = typeof b.details_url === 'string' ? b.details_url : null;
    if (status !== undefined) c.status = status as CheckRunState['status'];
    if (dates.started_at) c.startedAt = dates.started_at;
    if (conclusion !== undefined) {
      // Giving a conclusion completes the run.
      c.conclusion = conclusion === 'stale' ? 'neutral' : (conclusion as CheckRunState['conclusion']);
      c.status = 'completed';
    }
    if (c.status === 'completed') c.completedAt = dates.completed_at ?? c.completedAt ?? this.nowIso();
    if (isObject(output)) {
      c.output = {
        title: output.title as string,
        summary: output.summary as string,
        text: typeof output.text === 'string' ? output.text : c.output.text,
      };
      c.annotations.push(...annotations);
    }
  }

  private annotation(call: Call, a: unknown, index: number): Annotation {
    const bad = (detail: string): never => this.badInput(call, `For 'items' (annotation ${index}), ${detail}`);
    if (!isObject(a)) return bad(`${JSON.stringify(a)} is not an object.`);
    for (const field of ['path', 'message', 'annotation_level'] as const)
      if (typeof a[field] !== 'string') bad(`"${field}" wasn't supplied.`);
    for (const field of ['start_line', 'end_line'] as const) if (!Number.isInteger(a[field])) bad(`"${field}" wasn't supplied.`);
    if (!['notice', 'warning', 'failure'].includes(a.annotation_level as string))
      bad(`${JSON.stringify(a.annotation_level)} is not a member of ["notice","warning","failure"].`);
    const columns = a.start_column !== undefined || a.end_column !== undefined;
    if (columns && a.start_line !== a.end_line)
      this.invalid(call, [
        {
          resource: 'CheckRun',
          field: 'annotations',
          code: 'invalid',
          message: 'start_column and end_column may only be given when start_line equals end_line',
        },
      ]);
    if ((a.end_line as number) < (a.start_line as number))
      this.invalid(call, [
        { resource: 'CheckRun', field: 'annotations', code: 'invalid', message: 'end_line must not be before start_line' },
      ]);
    // GitHub's documented limits: message and raw_details at most 64 KB, title at most 255 characters.
    for (const field of ['message', 'raw_details'] as const) {
      if (typeof a[field] === 'string' && Buffer.byteLength(a[field], 'utf8') > 64 * 1024)
        this.invalid(call, [
          { resource: 'CheckRun', field: `annotations.${field}`, code: 'too_long', message: `${field} is too long (maximum is 64 KB)` },
        ]);
    }
    if (typeof a.title === 'string' && a.title.length > 255)
      this.invalid(call, [
        { resource: 'CheckRun', field: 'annotations.title', code: 'too_long', message: 'title is too long (maximum is 255 characters)' },
      ]);
    return { ...(a as unknown as Annotation) };
  }

  private createCheckRun(call: Call): Reply {
    const r = call.repo;
    this.requireString(call, 'name');
    const headSha = this.requireString(call, 'head_sha')!;
    if (!r.git.commit(headSha))
      this.invalid(call, [{ resource: 'CheckRun', field: 'head_sha', code: 'invalid', message: `No commit found for SHA: ${headSha}` }]);
    const c: CheckRunState = {
      id: ++this.ids.check,
      name: '',
      headSha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      detailsUrl: null,
      startedAt: this.nowIso(),
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      checkSuiteId: ++this.ids.suite,
      app: this.actor(call.principal).app,
    };
    this.applyCheckRun(call, c);
    r.checkRuns.push(c);
    return { status: 201, body: this.checkRunBody(call, c), headers: { location: `${this.api(call)}/check-runs/${c.id}` } };
  }

  private checkRunOf(call: Call): CheckRunState {
    const c = call.repo.checkRuns.find((x) => x.id === Number(call.params[0]));
    if (!c) this.fail(call, 404, 'Not Found');
    return c;
  }

  private getCheckRun(call: Call): Reply {
    return { status: 200, body: this.checkRunBody(call, this.checkRunOf(call)) };
  }

  private updateCheckRun(call: Call): Reply {
    const c = this.checkRunOf(call);
    this.applyCheckRun(call, c);
    return { status: 200, body: this.checkRunBody(call, c) };
  }

  // dispatches

  private repositoryDispatch(call: Call): Reply {
    const eventType = this.requireString(call, 'event_type')!;
    if (eventType.length === 0 || eventType.length > 100)
      this.badInput(call, `For 'properties/event_type', ${JSON.stringify(eventType)} must be 1 to 100 characters.`);
    const payload = call.body.client_payload ?? {};
    if (!isObject(payload)) this.badInput(call, `For 'properties/client_payload', ${JSON.stringify(payload)} is not an object.`);
    const keys = Object.keys(payload).length;
    if (keys > 10) this.fail(call, 422, `No more than 10 properties are allowed; ${keys} were supplied.`);
    this.dispatches.push({
      type: 'repository_dispatch',
      repo: fullName(call.repo),
      repoId: call.repo.id,
      eventType,
      clientPayload: payload,
    });
    return { status: 204 };
  }

  private workflowDispatch(call: Call): Reply {
    const r = call.repo;
    const id = call.params[0]!;
    let workflow = /^\d+$/.test(id) ? [...r.workflows.values()].find((w) => w.id === Number(id)) : r.workflows.get(id);
    if (!workflow && !/^\d+$/.test(id)) {
      // A workflow file on the default branch counts too, when it has a workflow_dispatch trigger.
      const tip = r.git.refs.get(`refs/heads/${r.defaultBranch}`);
      const entry = tip ? r.git.entryAt(r.git.commit(tip)!.tree, `.github/workflows/${id}`) : undefined;
      if (entry?.type === 'blob') {
        if (!/\bworkflow_dispatch\b/.test(r.git.blob(entry.sha)!.toString('utf8')))
          this.fail(call, 422, "Workflow does not have 'workflow_dispatch' trigger");
        workflow = { id: 0, path: `.github/workflows/${id}` };
      }
    }
    if (!workflow) this.fail(call, 404, 'Not Found');
    const ref = this.requireString(call, 'ref')!;
    if (!this.resolveCommitish(r, ref.replace(/^refs\/(heads|tags)\//, ''))) this.fail(call, 422, `No ref found for: ${ref}`);
    const inputs = call.body.inputs ?? {};
    if (!isObject(inputs)) this.badInput(call, `For 'properties/inputs', ${JSON.stringify(inputs)} is not an object.`);
    if (Object.keys(inputs).length > 25) this.fail(call, 422, `you may only define up to 25 \`inputs\` for a \`workflow_dispatch\` event`);
    if (workflow.inputs) {
      const unexpected = Object.keys(inputs).filter((k) => !(k in workflow.inputs!));
      if (unexpected.length > 0) this.fail(call, 422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
      const missing = Object.entries(workflow.inputs).find(([k, spec]) => spec.required && inputs[k] === undefined);
      if (missing) this.fail(call, 422, `Required input '${missing[0]}' not provided`);
    }
    this.dispatches.push({
      type: 'workflow_dispatch',
      repo: fullName(r),
      repoId: r.id,
      workflow: workflow.path.replace('.github/workflows/', ''),
      ref,
      inputs,
    });
    if (call.body.return_run_details === true) {
      const runId = ++this.ids.check;
      return {
        status: 200,
        body: {
          workflow_run_id: runId,
          run_url: `${this.api(call)}/actions/runs/${runId}`,
          html_url: `https://github.com/${fullName(r)}/actions/runs/${runId}`,
        },
      };
    }
    return { status: 204 };
  }

  // the App

  private getApp(): Reply {
    return { status: 200, body: { ...integrationJson(this.url, this.identity), installations_count: this.installations.size } };
  }

  private listInstallations(call: Call): Reply {
    const all = [...this.installations.values()].sort((a, b) => a.id - b.id);
    const { items, headers } = this.page(call, all);
    return { status: 200, body: items.map((i) => installationJson(this.url, i, this.identity)), headers };
  }

  private getInstallation(call: Call): Reply {
    const i = this.installations.get(Number(call.params[0]));
    if (!i) this.fail(call, 404, 'Not Found');
    return { status: 200, body: installationJson(this.url, i, this.identity) };
  }

  private getRepoInstallation(call: Call): Reply {
    const i = [...this.installations.values()].find((x) => this.reachable(x).some((r) => r.id === call.repo.id));
    if (!i) this.fail(call, 404, 'Not Found');
    return { status: 200, body: installationJson(this.url, i, this.identity) };
  }

  private createAccessToken(call: Call): Reply {
    const i = this.installations.get(Number(call.params[0]));
    if (!i) this.fail(call, 404, 'Not Found');
    const reachable = this.reachable(i);
    let repoIds: Set<number> | null = null;
    const { repositories, repository_ids: ids, permissions } = call.body;
    if (repositories !== undefined || ids !== undefined) {
      if ((repositories !== undefined && !Array.isArray(repositories)) || (ids !== undefined && !Array.isArray(ids)))
        this.badInput(call, "For 'properties/repositories', the value is not an array.");
      const wanted = [
        ...((repositories as unknown[] | undefined) ?? []).map((name) =>
          reachable.find((r) => typeof name === 'string' && r.name.toLowerCase() === name.toLowerCase()),
        ),
        ...((ids as unknown[] | undefined) ?? []).map((id) => reachable.find((r) => r.id === id)),
      ];
      if (wanted.some((r) => r === undefined))
        this.fail(call, 422, 'There is at least one repository that does not exist or is not accessible to the parent installation.');
      repoIds = new Set(wanted.map((r) => r!.id));
    }
    let granted = i.permissions;
    if (permissions !== undefined) {
      if (!isObject(permissions)) this.badInput(call, `For 'properties/permissions', ${JSON.stringify(permissions)} is not an object.`);
      const rank = { read: 1, write: 2 } as Record<string, number | undefined>;
      for (const [name, level] of Object.entries(permissions)) {
        if (!(rank[String(level)] ?? 0) || (rank[i.permissions[name] ?? ''] ?? 0) < rank[String(level)]!)
          this.fail(call, 422, 'The permissions requested are not granted to this installation.');
      }
      granted = permissions as Permissions;
    }
    const t = this.mintToken(i, repoIds, { ...granted });
    return {
      status: 201,
      body: {
        token: t.token,
        expires_at: isoOf(Math.floor(t.expiresAt / 1000)),
        permissions: t.permissions,
        repository_selection: repoIds ? 'selected' : i.selection,
        ...(repoIds ? { repositories: this.reachable(i, t).map((r) => repoJson(this.url, r)) } : {}),
      },
    };
  }

  private listInstallationRepos(call: Call): Reply {
    const p = call.principal;
    if (p.kind !== 'installation') this.fail(call, 403, 'This endpoint requires you to be authenticated as a GitHub App installation.');
    const repos = this.reachable(p.installation, p.token).sort((a, b) => fullName(a).localeCompare(fullName(b)));
    const { items, headers } = this.page(call, repos);
    return {
      status: 200,
      body: {
        total_count: repos.length,
        repository_selection: p.token.repoIds ? 'selected' : p.installation.selection,
        repositories: items.map((r) => repoJson(this.url, r)),
      },
      headers,
    };
  }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Gives every top-level value of a body the wrong type (each array item's, for an array). */
function wrongTypes(body: unknown): unknown {
  if (Array.isArray(body)) return body.length === 0 ? { unexpected: 'an object instead of an array' } : body.map(wrongTypes);
  if (!isObject(body)) return { unexpected: body };
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [
      k,
      typeof v === 'string'
        ? 12345
        : typeof v === 'number'
          ? 'not a number'
          : typeof v === 'boolean'
            ? 'not a boolean'
            : v === null
              ? 42
              : Array.isArray(v)
                ? 'not an array'
                : 'not an object',
    ]),
  );
}

/** The environment of the fake's own git commands: no user or system configuration. */
function bareGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
}

/** Stores one object as `git cat-file --batch` printed it; returns the id the store gives it. */
function importObject(git: GitStore, type: string, body: Buffer): Sha {
  if (type === 'blob') return git.putBlob(body);
  if (type === 'tree') {
    const entries: Array<{ name: string; mode: Mode; type: ReturnType<typeof typeOfMode>; sha: Sha }> = [];
    let at = 0;
    while (at < body.length) {
      const sp = body.indexOf(0x20, at);
      const nul = body.indexOf(0x00, sp);
      const raw = body.subarray(at, sp).toString('utf8');
      const mode = (raw === '40000' ? '040000' : raw) as Mode;
      entries.push({
        name: body.subarray(sp + 1, nul).toString('utf8'),
        mode,
        type: typeOfMode(mode),
        sha: body.subarray(nul + 1, nul + 21).toString('hex'),
      });
      at = nul + 21;
    }
    return git.putTree(entries);
  }
  if (type === 'commit') {
    const text = body.toString('utf8');
    const split = text.indexOf('\n\n');
    const headers = text.slice(0, split).split('\n');
    const sig = (line: string): Signature => {
      const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
      if (!m) throw new Error(`the fake cannot read the signature "${line}"`);
      return { name: m[1]!, email: m[2]!, time: Number(m[3]), tz: m[4]! };
    };
    let tree = '';
    const parents: Sha[] = [];
    let author: Signature | undefined;
    let committer: Signature | undefined;
    for (const h of headers) {
      const [key, ...rest] = h.split(' ');
      const value = rest.join(' ');
      if (key === 'tree') tree = value;
      else if (key === 'parent') parents.push(value);
      else if (key === 'author') author = sig(value);
      else if (key === 'committer') committer = sig(value);
      else throw new Error(`the fake cannot import a commit with a "${key}" header`);
    }
    return git.putCommit({ tree, parents, author: author!, committer: committer!, message: text.slice(split + 2) });
  }
  throw new Error(`the fake cannot import a ${type} object`);
}
