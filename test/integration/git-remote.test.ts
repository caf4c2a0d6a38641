/** Remote URL forms: the GitHub repository they name and the LFS endpoint derived from them (pure). */
import { describe, expect, it } from 'vitest';
import { lfsEndpointFromRemote, parseGitHubRemote, parseRemoteUrl } from '../../src/adapters/git/remote.ts';

describe('parseGitHubRemote', () => {
  it.each([
    'https://github.com/os-data/city-budget',
    'https://github.com/os-data/city-budget.git',
    'https://github.com/os-data/city-budget/',
    'http://github.com/os-data/city-budget.git',
    'https://x-access-token:abc@github.com/os-data/city-budget.git',
    'https://GitHub.com/os-data/city-budget',
    'git@github.com:os-data/city-budget.git',
    'git@github.com:os-data/city-budget',
    'git@github.com:/os-data/city-budget.git',
    'ssh://git@github.com/os-data/city-budget',
    'ssh://git@github.com:22/os-data/city-budget.git',
    'git+ssh://git@github.com/os-data/city-budget.git',
    'git://github.com/os-data/city-budget.git',
  ])('%s', (url) => {
    expect(parseGitHubRemote(url)).toEqual({ owner: 'os-data', repo: 'city-budget' });
  });

  it('keeps dots, underscores and case in names', () => {
    expect(parseGitHubRemote('https://github.com/Some-Org/my.data_set.git')).toEqual({ owner: 'Some-Org', repo: 'my.data_set' });
  });

  it('GitHub Enterprise hosts only when given', () => {
    expect(parseGitHubRemote('https://ghe.example.com/org/repo.git')).toBeNull();
    expect(parseGitHubRemote('https://ghe.example.com/org/repo.git', ['ghe.example.com'])).toEqual({ owner: 'org', repo: 'repo' });
    expect(parseGitHubRemote('git@ghe.example.com:org/repo.git', ['https://GHE.example.com/'])).toEqual({ owner: 'org', repo: 'repo' });
  });

  it.each([
    'https://gitlab.com/os-data/city-budget.git',
    'https://github.com.evil.example/os-data/city-budget',
    'https://github.com/os-data',
    'https://github.com/os-data/city-budget/tree/main',
    'https://github.com/os-data/..',
    'file:///srv/git/city-budget.git',
    '/srv/git/city-budget.git',
    '../city-budget.git',
    'ftp://github.com/os-data/city-budget',
  ])('not a GitHub repository: %s', (url) => {
    expect(parseGitHubRemote(url)).toBeNull();
  });
});

describe('the LFS endpoint derived from the remote (as git-lfs derives it)', () => {
  it.each([
    ['https://github.com/o/r', 'https://github.com/o/r.git/info/lfs'],
    ['https://github.com/o/r.git', 'https://github.com/o/r.git/info/lfs'],
    ['https://github.com/o/r/', 'https://github.com/o/r.git/info/lfs'],
    ['https://user:pw@git.example.com:8443/group/sub/r', 'https://git.example.com:8443/group/sub/r.git/info/lfs'],
    ['http://127.0.0.1:8080/o/r', 'http://127.0.0.1:8080/o/r.git/info/lfs'],
    ['git@github.com:o/r.git', 'https://github.com/o/r.git/info/lfs'],
    ['ssh://git@github.com:22/o/r', 'https://github.com/o/r.git/info/lfs'],
    ['git://github.com/o/r.git', 'https://github.com/o/r.git/info/lfs'],
  ])('%s → %s', (url, endpoint) => {
    const remote = parseRemoteUrl(url);
    expect(remote && lfsEndpointFromRemote(remote)).toBe(endpoint);
  });

  it('credentials in an https remote are taken apart (fetch refuses them in URLs)', () => {
    expect(parseRemoteUrl('https://x-access-token:t%40k@github.com/o/r')).toMatchObject({
      kind: 'http',
      host: 'github.com',
      credentials: { username: 'x-access-token', password: 't@k' },
    });
  });

  it('local remotes have no endpoint: their LFS store is read from disk', () => {
    expect(parseRemoteUrl('file:///srv/git/r%20x.git')).toEqual({ kind: 'local', dir: '/srv/git/r x.git' });
    expect(parseRemoteUrl('/srv/git/r.git')).toEqual({ kind: 'local', dir: '/srv/git/r.git' });
    expect(parseRemoteUrl('../r.git', '/work/repo')).toEqual({ kind: 'local', dir: '/work/r.git' });
    expect(parseRemoteUrl('./a:b', '/work/repo')).toEqual({ kind: 'local', dir: '/work/repo/a:b' });
    expect(lfsEndpointFromRemote({ kind: 'local', dir: '/srv/git/r.git' })).toBeNull();
    expect(parseRemoteUrl('ftp://example.com/r.git')).toBeNull();
  });
});
