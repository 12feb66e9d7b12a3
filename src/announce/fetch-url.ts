/** Where Electrum publishes its signed latest-version announcement (update_checker.py pins the same URL). */
export const ANNOUNCEMENT_URL = 'https://electrum.org/version';
