// Haven's two secrets: the session secret (binds CSRF tokens and signed links) and the evidence key
// (encrypts evidence files at rest). A real deployment must bring its own; the demo makes them once.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

export type Keys = { sessionSecret: Buffer; evidenceKey: Buffer };

export class KeyError extends Error {}

/** Accepts 32 bytes written as base64, base64url or hex. */
export function parseKey(name: string, value: string): Buffer {
  const v = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (bytes.length !== 32) {
    throw new KeyError(
      `${name} must be 32 random bytes written as base64 or hex (for example: openssl rand -base64 32); the value given is ${bytes.length} bytes.`,
    );
  }
  return bytes;
}

function fromFile(file: string): Keys {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new KeyError(`HAVEN_KEY_FILE points to ${file}, which does not exist.`);
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new KeyError(
      `The key file ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}). Run: chmod 600 ${file}`,
    );
  }
  let json: { sessionSecret?: unknown; evidenceKey?: unknown };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new KeyError(`The key file ${file} is not JSON. It must hold {"sessionSecret": "…", "evidenceKey": "…"}.`);
  }
  if (typeof json.sessionSecret !== 'string' || typeof json.evidenceKey !== 'string') {
    throw new KeyError(`The key file ${file} must hold both "sessionSecret" and "evidenceKey" as strings.`);
  }
  return { sessionSecret: parseKey('sessionSecret', json.sessionSecret), evidenceKey: parseKey('evidenceKey', json.evidenceKey) };
}

/** Demo keys live beside the demo data (mode 600) so a restart can still read old evidence. */
function demoKeys(dataDir: string): Keys {
  const file = path.join(dataDir, 'keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const made = { sessionSecret: randomBytes(32).toString('base64'), evidenceKey: randomBytes(32).toString('base64') };
    fs.writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  }
  return fromFile(file);
}

/**
 * The keys for this run. Production or an external database: from HAVEN_KEY_FILE or the environment,
 * or a refusal that says exactly what to set. Demo mode: generated once under the data folder.
 */
export function loadKeys(config: Config, env: NodeJS.ProcessEnv = process.env): Keys {
  if (config.keyFile) return fromFile(path.resolve(config.keyFile));
  const session = env.HAVEN_SESSION_SECRET;
  const evidence = env.HAVEN_EVIDENCE_KEY;
  if (session && evidence) {
    return { sessionSecret: parseKey('HAVEN_SESSION_SECRET', session), evidenceKey: parseKey('HAVEN_EVIDENCE_KEY', evidence) };
  }
  if (config.demo) return demoKeys(config.dataDir);
  const missing = [!session && 'HAVEN_SESSION_SECRET', !evidence && 'HAVEN_EVIDENCE_KEY'].filter(Boolean).join(' and ');
  throw new KeyError(
    `Haven will not start without its secrets: set ${missing} (32 random bytes each, e.g. \`openssl rand -base64 32\`), or HAVEN_KEY_FILE pointing to a mode-600 JSON file {"sessionSecret": …, "evidenceKey": …}.`,
  );
}
