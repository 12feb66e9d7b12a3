/**
 * Strict ASCII-armor splitting. openpgp.js reads only the FIRST armored block of a text, while Electrum's
 * `.asc` is several blocks concatenated (one per signer) and key files may hold several keys.
 * Anything but whitespace outside the blocks, or a block of another type, is refused.
 */
export type ArmorType = 'SIGNATURE' | 'PUBLIC KEY BLOCK';

export class ArmorError extends Error {}

const BEGIN = /^-----BEGIN PGP ([A-Z ,/0-9]+)-----\s*$/;
const END = /^-----END PGP ([A-Z ,/0-9]+)-----\s*$/;

/** Split `text` into armored blocks of `type`; each returned string is one complete block. */
export function splitArmor(text: string, type: ArmorType): string[] {
  // Armor is 7-bit ASCII; anything else is hostile or not armor at all.
  if (/[^\x09\x0a\x0d\x20-\x7e]/.test(text)) {
    throw new ArmorError('contains bytes that are not ASCII armor (is it a binary or corrupted file?)');
  }
  const lines = text.split(/\r?\n/);
  const blocks: string[] = [];
  let current: string[] | null = null;
  for (const [i, line] of lines.entries()) {
    if (current === null) {
      const begin = BEGIN.exec(line);
      if (begin) {
        if (begin[1] !== type) throw new ArmorError(`line ${i + 1}: holds a "PGP ${begin[1]}" block; expected only "PGP ${type}" blocks`);
        current = [line];
      } else if (line.trim() !== '') {
        throw new ArmorError(`line ${i + 1}: text outside an armored block`);
      }
      continue;
    }
    current.push(line);
    const end = END.exec(line);
    if (end) {
      if (end[1] !== type) throw new ArmorError(`line ${i + 1}: "END PGP ${end[1]}" does not close a "PGP ${type}" block`);
      blocks.push(current.join('\n') + '\n');
      current = null;
    } else if (BEGIN.test(line)) {
      throw new ArmorError(`line ${i + 1}: a block begins before the previous one ended`);
    }
  }
  if (current !== null) throw new ArmorError('the last armored block is truncated (no END line)');
  if (blocks.length === 0) throw new ArmorError(`no "-----BEGIN PGP ${type}-----" block found`);
  return blocks;
}
