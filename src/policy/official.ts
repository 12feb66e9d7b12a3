/** The official Electrum names every other policy module compares against. */

/** The only hosts that serve Electrum (CONTRACT: https, default port, no userinfo). */
export const OFFICIAL_HOSTS: readonly string[] = Object.freeze([
  'electrum.org',
  'www.electrum.org',
  'download.electrum.org',
]);

/** The registrable domain of every official host. */
export const OFFICIAL_DOMAIN = 'electrum.org';

/** Its label without the public suffix: the brand name that lookalikes imitate. */
export const BRAND = 'electrum';

/** The public suffix of the official domain. */
export const OFFICIAL_SUFFIX = 'org';

/** Added to every rejection so that the reason also says where Electrum does come from. */
export const ONLY_SOURCE = 'Electrum is only distributed from electrum.org';

export function isOfficialHost(host: string): boolean {
  return OFFICIAL_HOSTS.includes(host);
}
