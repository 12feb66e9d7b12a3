/**
 * Whether to colour a stream: NO_COLOR wins, then FORCE_COLOR, then no colour under CI (CI set and not "false"/"0"),
 * then "is it a terminal". No dependencies.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return !(env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false');
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false;
  return stream.isTTY === true;
}
