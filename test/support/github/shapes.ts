/**
 * The fake GitHub's state, and the JSON GitHub answers for it. Each builder fills every field
 * GitHub's OpenAPI description requires; the server checks each answer against that description.
 */

import type { GitStore, Sha, Signature } from './git.ts';
import { isoOf } from './git.ts';

const HTML = 'https://github.com';
export const DOCS = 'https://docs.github.com/rest';

export type Permission = 'read' | 'write';
export type Permissions = Record<string, Permission>;

export interface Account {
  login: string;
  id: number;
  type: 'User' | 'Organization' | 'Bot';
}

export interface Workflow {
  id: number;
  /** `.github/workflows/<file>` */
  path: string;
  /** The inputs the workflow declares; undefined accepts any. */
  inputs?: Record<string, { required?: boolean }>;
}

export interface PullState {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  head: string;
  base: string;
  /** The facts when the pull request was closed (while open, they are read from the branches). */
  frozen: PullFacts | null;
  user: Account;
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: Sha | null;
  mergedBy: Account | null;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: Sha;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation received, over all requests, in order. */
  annotations: Annotation[];
  checkSuiteId: number;
  /** The App that made it (`github-actions` for the static token). */
  app: AppIdentity;
}

export interface RepoState {
  id: number;
  owner: Account;
  name: string;
  private: boolean;
  archived: boolean;
  defaultBranch: string;
  description: string | null;
  git: GitStore;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  workflows: Map<string, Workflow>;
  pulls: PullState[];
  nextNumber: number;
  checkRuns: CheckRunState[];
  /** A bare repository on disk that git pushes go to (see FakeGitHubOptions.gitRoot); its clone URL is a file:// URL. */
  disk?: { dir: string; cloneUrl: string; synced: string };
}

export interface InstallationState {
  id: number;
  account: Account;
  selection: 'all' | 'selected';
  /** The selected repositories (when `selection` is 'selected'). */
  repoIds: Set<number>;
  permissions: Permissions;
  events: string[];
  createdAt: string;
  updatedAt: string;
}

/** What an App looks like to others (its bot signs commits and owns check runs). */
export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  owner: Account;
  permissions: Permissions;
  events: string[];
  createdAt: string;
}

const nodeId = (kind: string, id: number | string): string => Buffer.from(`0:${kind}${id}`).toString('base64');

function userJson(api: string, a: Account): Record<string, unknown> {
  // Bot logins end in [bot], which GitHub percent-encodes in URLs.
  const u = `${api}/users/${encodeURIComponent(a.login)}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${a.id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: a.type === 'Bot' ? `${HTML}/apps/${a.login.replace(/\[bot\]$/, '')}` : `${HTML}/${a.login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export const fullName = (r: RepoState): string => `${r.owner.login}/${r.name}`;

/** A repository as `GET /repos/{owner}/{repo}` answers it (a superset of the short form). */
export function repoJson(
  api: string,
  r: RepoState,
  permissions?: { admin: boolean; maintain: boolean; push: boolean; triage: boolean; pull: boolean },
): Record<string, unknown> {
  const full = fullName(r);
  const u = `${api}/repos/${full}`;
  const owner = userJson(api, r.owner);
  return {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: full,
    private: r.private,
    owner,
    html_url: `${HTML}/${full}`,
    description: r.description,
    fork: false,
    url: u,
    forks_url: `${u}/forks`,
    keys_url: `${u}/keys{/key_id}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    teams_url: `${u}/teams`,
    hooks_url: `${u}/hooks`,
    issue_events_url: `${u}/issues/events{/number}`,
    events_url: `${u}/events`,
    assignees_url: `${u}/assignees{/user}`,
    branches_url: `${u}/branches{/branch}`,
    tags_url: `${u}/tags`,
    blobs_url: `${u}/git/blobs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    trees_url: `${u}/git/trees{/sha}`,
    statuses_url: `${u}/statuses/{sha}`,
    languages_url: `${u}/languages`,
    stargazers_url: `${u}/stargazers`,
    contributors_url: `${u}/contributors`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    commits_url: `${u}/commits{/sha}`,
    git_commits_url: `${u}/git/commits{/sha}`,
    comments_url: `${u}/comments{/number}`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    contents_url: `${u}/contents/{+path}`,
    compare_url: `${u}/compare/{base}...{head}`,
    merges_url: `${u}/merges`,
    archive_url: `${u}/{archive_format}{/ref}`,
    downloads_url: `${u}/downloads`,
    issues_url: `${u}/issues{/number}`,
    pulls_url: `${u}/pulls{/number}`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    labels_url: `${u}/labels{/name}`,
    releases_url: `${u}/releases{/id}`,
    deployments_url: `${u}/deployments`,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    pushed_at: r.pushedAt,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: r.disk?.cloneUrl ?? `${HTML}/${full}.git`,
    svn_url: `${HTML}/${full}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: r.archived,
    disabled: false,
    open_issues_count: r.pulls.filter((p) => p.state === 'open').length,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: r.private ? 'private' : 'public',
    forks: 0,
    open_issues: r.pulls.filter((p) => p.state === 'open').length,
    watchers: 0,
    default_branch: r.defaultBranch,
    ...(permissions ? { permissions } : {}),
    network_count: 0,
    subscribers_count: 0,
    ...(r.owner.type === 'Organization' ? { organization: owner } : {}),
  };
}

export function gitRefJson(api: string, r: RepoState, ref: string, sha: Sha): Record<string, unknown> {
  const u = `${api}/repos/${fullName(r)}`;
  const type = r.git.objects.get(sha)?.type ?? 'commit';
  return {
    ref,
    node_id: nodeId('Ref', `${r.id}:${ref}`),
    url: `${u}/git/${ref}`,
    object: { sha, type, url: `${u}/git/${type}s/${sha}` },
  };
}

const signatureJson = (s: Signature): Record<string, unknown> => ({ name: s.name, email: s.email, date: isoOf(s.time) });

export function gitCommitJson(api: string, r: RepoState, sha: Sha): Record<string, unknown> {
  const c = r.git.commit(sha)!;
  const u = `${api}/repos/${fullName(r)}`;
  return {
    sha,
    node_id: nodeId('Commit', sha),
    url: `${u}/git/commits/${sha}`,
    html_url: `${HTML}/${fullName(r)}/commit/${sha}`,
    author: signatureJson(c.author),
    committer: signatureJson(c.committer),
    tree: { sha: c.tree, url: `${u}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({ sha: p, url: `${u}/git/commits/${p}`, html_url: `${HTML}/${fullName(r)}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** base64 with a newline every 60 characters, as the contents and blobs APIs send it. */
export function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  return b64.length === 0 ? '' : `${b64.match(/.{1,60}/g)!.join('\n')}\n`;
}

export function integrationJson(api: string, app: AppIdentity): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: app.clientId,
    owner: userJson(api, app.owner),
    name: app.name,
    description: null,
    external_url: `${HTML}/apps/${app.slug}`,
    html_url: `${HTML}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: app.events,
  };
}

export function installationJson(api: string, i: InstallationState, app: AppIdentity): Record<string, unknown> {
  return {
    id: i.id,
    account: userJson(api, i.account),
    repository_selection: i.selection,
    access_tokens_url: `${api}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${HTML}/${i.account.type === 'Organization' ? `organizations/${i.account.login}/` : ''}settings/installations/${i.id}`,
    app_id: app.id,
    client_id: app.clientId,
    target_id: i.account.id,
    target_type: i.account.type,
    permissions: i.permissions,
    events: i.events,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: app.slug,
    suspended_by: null,
    suspended_at: null,
  };
}

export function checkRunJson(api: string, r: RepoState, c: CheckRunState, pulls: Array<Record<string, unknown>>): Record<string, unknown> {
  const u = `${api}/repos/${fullName(r)}`;
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: nodeId('CheckRun', c.id),
    external_id: c.externalId,
    url: `${u}/check-runs/${c.id}`,
    html_url: `${HTML}/${fullName(r)}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${HTML}/${fullName(r)}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.output.title,
      summary: c.output.summary,
      text: c.output.text,
      annotations_count: c.annotations.length,
      annotations_url: `${u}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: c.checkSuiteId },
    app: integrationJson(api, c.app),
    pull_requests: pulls,
  };
}

export interface PullFacts {
  headSha: Sha;
  baseSha: Sha;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

export function pullJson(api: string, r: RepoState, p: PullState, f: PullFacts): Record<string, unknown> {
  const full = fullName(r);
  const u = `${api}/repos/${full}`;
  const html = `${HTML}/${full}/pull/${p.number}`;
  const side = (ref: string, sha: Sha): Record<string, unknown> => ({
    label: `${r.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(api, r.owner),
    repo: repoJson(api, r),
  });
  return {
    url: `${u}/pulls/${p.number}`,
    id: p.id,
    node_id: nodeId('PullRequest', p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${u}/issues/${p.number}`,
    commits_url: `${u}/pulls/${p.number}/commits`,
    review_comments_url: `${u}/pulls/${p.number}/comments`,
    review_comment_url: `${u}/pulls/comments{/number}`,
    comments_url: `${u}/issues/${p.number}/comments`,
    statuses_url: `${u}/statuses/${f.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userJson(api, p.user),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head, f.headSha),
    base: side(p.base, f.baseSha),
    _links: {
      self: { href: `${u}/pulls/${p.number}` },
      html: { href: html },
      issue: { href: `${u}/issues/${p.number}` },
      comments: { href: `${u}/issues/${p.number}/comments` },
      review_comments: { href: `${u}/pulls/${p.number}/comments` },
      review_comment: { href: `${u}/pulls/comments{/number}` },
      commits: { href: `${u}/pulls/${p.number}/commits` },
      statuses: { href: `${u}/statuses/${f.headSha}` },
    },
    author_association: 'NONE',
    auto_merge: null,
    draft: p.draft,
    merged: p.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: p.mergedBy ? userJson(api, p.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: f.commits,
    additions: f.additions,
    deletions: f.deletions,
    changed_files: f.changedFiles,
  };
}
