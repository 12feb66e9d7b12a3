/** The one schema identifier every JSON report carries (CONTRACT: `"schema": "electrum-verify/v1"`). */
export const SCHEMA = 'electrum-verify/v1';
