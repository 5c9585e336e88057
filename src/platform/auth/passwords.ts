// Passphrase rules and argon2id hashing. Strength is judged by zxcvbn-ts, which knows the common
// password lists (tens of thousands of leaked passwords, names, keyboard walks, dates).
import { hash, verify } from '@node-rs/argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const MIN_PASSPHRASE_LENGTH = 12;

// The word lists cost about 80 MB of memory, so they load on the first passphrase change, not at start.
let checker: Promise<ZxcvbnFactory> | null = null;
function strengthChecker(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  return checker;
}

/** Returns what is wrong with a new passphrase, or null when it may be used. */
export async function passphraseProblem(passphrase: string, context: string[] = []): Promise<string | null> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return `Use at least ${MIN_PASSPHRASE_LENGTH} characters: three or four unrelated words make a good passphrase.`;
  }
  if (passphrase.length > 256) return 'Use at most 256 characters.';
  const lower = passphrase.toLowerCase();
  if (context.some((c) => c.length >= 4 && lower.includes(c.toLowerCase()))) {
    return 'Do not use your name or email address in your passphrase.';
  }
  const result = (await strengthChecker()).check(passphrase, context);
  if (result.score < 3) {
    return 'That passphrase is too common or easy to guess. Try three or four unrelated words.';
  }
  return null;
}

// OWASP's argon2id settings (19 MiB, 2 iterations): strong and still fast enough on two cores.
const ARGON_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassphrase = (passphrase: string): Promise<string> => hash(passphrase, ARGON_OPTIONS);

export async function verifyPassphrase(stored: string | null, passphrase: string): Promise<boolean> {
  if (!stored) {
    // Spend the same time as a real check so a missing account cannot be told apart by timing.
    await hash(passphrase, ARGON_OPTIONS);
    return false;
  }
  try {
    return await verify(stored, passphrase);
  } catch {
    return false;
  }
}
