import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.ts';
import { KeyError, loadKeys } from './keys.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-keys-'));
const key = () => randomBytes(32).toString('base64');

test('production without secrets is refused, naming what to set', () => {
  const env = { NODE_ENV: 'production', HAVEN_DATA_DIR: dir };
  assert.throws(() => loadKeys(loadConfig(env), env), (e: Error) => e instanceof KeyError && /HAVEN_SESSION_SECRET and HAVEN_EVIDENCE_KEY/.test(e.message));
});

test('an external database without secrets is refused even when not in production', () => {
  const env = { DATABASE_URL: 'postgres://x@127.0.0.1/haven', HAVEN_SESSION_SECRET: key() };
  assert.throws(() => loadKeys(loadConfig(env), env), /HAVEN_EVIDENCE_KEY/);
});

test('secrets from the environment must be 32 bytes', () => {
  const good = { NODE_ENV: 'production', HAVEN_SESSION_SECRET: key(), HAVEN_EVIDENCE_KEY: randomBytes(32).toString('hex') };
  assert.equal(loadKeys(loadConfig(good), good).evidenceKey.length, 32);
  const short = { ...good, HAVEN_EVIDENCE_KEY: randomBytes(16).toString('base64') };
  assert.throws(() => loadKeys(loadConfig(short), short), /HAVEN_EVIDENCE_KEY must be 32 random bytes/);
});

test('a key file readable by others is refused; mode 600 is accepted', () => {
  const file = path.join(dir, 'keys.json');
  fs.writeFileSync(file, JSON.stringify({ sessionSecret: key(), evidenceKey: key() }), { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  const env = { NODE_ENV: 'production', HAVEN_KEY_FILE: file };
  assert.throws(() => loadKeys(loadConfig(env), env), /chmod 600/);
  fs.chmodSync(file, 0o600);
  assert.equal(loadKeys(loadConfig(env), env).sessionSecret.length, 32);
});

test('demo mode makes its keys once, private to the owner, and reads the same ones again', () => {
  const env = { HAVEN_DATA_DIR: path.join(dir, 'demo') };
  const first = loadKeys(loadConfig(env), env);
  const second = loadKeys(loadConfig(env), env);
  assert.deepEqual(first, second);
  assert.equal(fs.statSync(path.join(dir, 'demo', 'keys.json')).mode & 0o777, 0o600);
});
