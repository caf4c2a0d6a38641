/**
 * Git remote URLs: their forms (https, ssh, scp-like `git@host:path`, git://, file:// and local
 * paths), the GitHub repository they name, and the Git LFS endpoint git-lfs derives from them.
 * Pure: no I/O.
 */

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A remote URL taken apart. */
export type RemoteUrl =
  | {
      kind: 'http' | 'ssh' | 'git';
      /** `http:` or `https:` for kind http. */
      protocol: string;
      /** Lowercase host name, without port (IPv6 without brackets). */
      host: string;
      /** `host[:port]` as written (for http endpoints). */
      authority: string;
      /** Path without the leading slash, e.g. `owner/repo.git`. */
      path: string;
      /** Credentials written in an http(s) URL. */
      credentials?: { username: string; password: string };
    }
  | { kind: 'local'; /** Absolute filesystem path of the remote repository. */ dir: string };

/**
 * Take a remote URL apart as git does: `scheme://...` URLs, scp-like `[user@]host:path` (a colon
 * before any slash), otherwise a local path (relative paths resolve from `baseDir`). Null when the
 * URL cannot be understood (e.g. an unknown scheme).
 */
export function parseRemoteUrl(url: string, baseDir = '/'): RemoteUrl | null {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'file') {
      try {
        return { kind: 'local', dir: fileURLToPath(url) };
      } catch {
        return null;
      }
    }
    const kind =
      scheme === 'http' || scheme === 'https'
        ? 'http'
        : scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git'
          ? 'ssh'
          : scheme === 'git'
            ? 'git'
            : null;
    if (kind === null) return null;
    let u: URL;
    try {
      // WHATWG URL parses only special schemes' hosts fully: read ssh/git URLs as http ones
      u = new URL(kind === 'http' ? url : 'http' + url.slice(scheme.length));
    } catch {
      return null;
    }
    if (u.hostname === '') return null;
    const parsed: RemoteUrl = {
      kind,
      protocol: kind === 'http' ? `${scheme}:` : 'https:',
      host: u.hostname.toLowerCase().replace(/^\[|\]$/g, ''),
      authority: u.host.toLowerCase(),
      path: decodeURIComponent(u.pathname.replace(/^\/+/, '')),
    };
    if (kind === 'http' && (u.username !== '' || u.password !== '')) {
      parsed.credentials = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
    }
    return parsed;
  }
  const scp = /^(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+):(.*)$/.exec(url);
  if (scp && !/^[a-zA-Z]$/.test(scp[1]!)) {
    const host = scp[1]!.replace(/^\[|\]$/g, '').toLowerCase();
    return { kind: 'ssh', protocol: 'https:', host, authority: host, path: scp[2]!.replace(/^\/+/, '') };
  }
  if (url === '') return null;
  return { kind: 'local', dir: isAbsolute(url) ? url : resolve(baseDir, url) };
}

/** The GitHub owner and repository of a remote URL. */
export interface GitHubRepo {
  owner: string;
  repo: string;
}

/**
 * The GitHub repository a remote URL names: `https://github.com/o/r(.git)`, `git@github.com:o/r.git`,
 * `ssh://git@github.com/o/r`, `git://github.com/o/r.git`, on github.com or on one of `hosts`
 * (GitHub Enterprise host names; `https://ghe.example.com` is accepted too). Null otherwise.
 */
export function parseGitHubRemote(url: string, hosts: readonly string[] = []): GitHubRepo | null {
  const r = parseRemoteUrl(url);
  if (!r || r.kind === 'local') return null;
  const known = new Set(['github.com', ...hosts.map(hostOf)]);
  if (!known.has(r.host)) return null;
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(r.path);
  if (!m) return null;
  const repo = m[2]!;
  if (repo === '.' || repo === '..') return null;
  return { owner: m[1]!, repo };
}

function hostOf(h: string): string {
  const t = h.trim().toLowerCase();
  try {
    return t.includes('://') ? new URL(t).hostname : t.replace(/\/.*$/, '').replace(/:\d+$/, '');
  } catch {
    return t;
  }
}

/**
 * The Git LFS endpoint git-lfs derives from a remote URL: `https://host/owner/repo.git/info/lfs`
 * (`.git` added when missing; ssh and git:// remotes map to https on the same host, as git-lfs
 * does). Null for local remotes, whose objects are read from disk instead.
 */
export function lfsEndpointFromRemote(remote: RemoteUrl): string | null {
  if (remote.kind === 'local') return null;
  const path = remote.path.replace(/\/+$/, '');
  const repoPath = path.endsWith('.git') ? path : `${path}.git`;
  const authority = remote.kind === 'http' ? remote.authority : remote.host.includes(':') ? `[${remote.host}]` : remote.host;
  return `${remote.protocol}//${authority}/${repoPath.split('/').map(encodeURIComponent).join('/')}/info/lfs`;
}
