/**
 * GitHub and GitHub-backed mirrors. GitHub hosts Electrum's source code, but releases are published only on
 * electrum.org; the December 2018 attack sent users to a fake GitHub page. Sources: GitHub's meta endpoint and
 * "Communicating with self-hosted runners", the public suffix list, v2fly domain-list-community data/github.
 */
import { ONLY_SOURCE } from './official.js';

/** Registrable domains (eTLD+1, ICANN rules: *.github.io and *.githubusercontent.com fold into these). */
const GITHUB_DOMAINS = new Set([
  'github.com',
  'githubusercontent.com',
  'github.io',
  'github.dev',
  'githubassets.com',
  'githubapp.com',
  'githubpreview.dev',
  'ghcr.io',
  'git.io',
  'gh.io',
  'ghe.com',
]);

/** GitHub's storage buckets on third-party clouds. */
const GITHUB_HOSTS = new Set([
  'github-cloud.s3.amazonaws.com',
  'github-production-release-asset-2e65be.s3.amazonaws.com',
  'github-production-repository-file-5c1aeb.s3.amazonaws.com',
  'github-production-user-asset-6210df.s3.amazonaws.com',
]);

/** CDNs and proxies that serve files straight out of GitHub repositories. */
const GITHUB_PROXY_HOSTS = new Set(['raw.githack.com', 'rawcdn.githack.com']);
const JSDELIVR_HOSTS = new Set([
  'cdn.jsdelivr.net',
  'fastly.jsdelivr.net',
  'gcore.jsdelivr.net',
  'testingcf.jsdelivr.net',
]);

const GITHUB_REASON = `GitHub is not an official Electrum distribution channel; ${ONLY_SOURCE}`;

/** Why this is a GitHub download, or null. `host` is lower-case without a trailing dot; `domain` its eTLD+1. */
export function githubReason(host: string, domain: string | null, url: URL): string | null {
  if ((domain !== null && GITHUB_DOMAINS.has(domain)) || GITHUB_HOSTS.has(host)) return GITHUB_REASON;
  const proxied =
    GITHUB_PROXY_HOSTS.has(host) ||
    (JSDELIVR_HOSTS.has(host) && url.pathname.startsWith('/gh/')) ||
    /github\.com(\/|%2f)/i.test(url.pathname + url.search);
  return proxied ? `${host} serves files from GitHub, and ${GITHUB_REASON}` : null;
}
