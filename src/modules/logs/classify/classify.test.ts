import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LogEvent } from '../event.ts';
import { buildCategoryTable, type Classifier, classifierFromTable, cleanEntry, hashDomainLines, loadCategoryLists, pathAndHostOf } from './lists.ts';
import { loadReferenceLists } from './reference.ts';
import { forgetLoadedTables, loadCategoryTable } from './table-cache.ts';
import { hashString } from './table.ts';
import { mapCategoryName, mapFilterCategory, moreSevere } from './mapping.ts';

// The trimmed real UT1 lists that sit beside the repository (../shared, as in CI).
const REAL = fileURLToPath(new URL('../../../../../shared/data/categories', import.meta.url));

function ev(host: string, extra: Partial<LogEvent> = {}): LogEvent {
  return { at: 0, source: 'squid', user: null, clientIp: null, device: null, host, url: null, action: 'allowed', filterCategory: null, reason: null, bytes: null, ...extra };
}

let dir = '';
let school = '';
let c: Classifier;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'haven-lists-'));
  const base = join(dir, 'ut1');
  const put = async (cat: string, files: Record<string, string>) => {
    await mkdir(join(base, cat), { recursive: true });
    for (const [f, text] of Object.entries(files)) await writeFile(join(base, cat, f), text);
  };
  await put('adult', { domains: '# comment\n\nexample-porn.com\n.dotted.example\n', urls: 'blog.example.org/nsfw/\n', usage: 'black\n' });
  await put('agressif', { domains: 'hate.example\n', usage: 'black\n' });
  await put('vpn', { domains: 'vpn.example\n198.51.100.7\n', usage: 'black\n' });
  await put('games', { domains: 'games.example\nmixed.example\n', usage: 'black\n' });
  await put('drogue', { domains: 'mixed.example\n', usage: 'black\n' });
  await put('child', { domains: 'kids.example\n', usage: 'white\nchild\n' });
  await put('sect', { domains: 'horoscope.example\n', usage: 'black\n' });
  await put('shopping', { domains: 'shop.example\n', usage: 'black\n' });
  school = join(dir, 'school');
  await mkdir(join(school, 'self_harm'), { recursive: true });
  await writeFile(join(school, 'self_harm', 'domains'), 'sh.example\n');
  await mkdir(join(school, 'other'), { recursive: true });
  await writeFile(join(school, 'other', 'domains'), 'games.example\nunlisted.example\n');
  c = await loadCategoryLists([base, school]);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a host matches its listed domain and every subdomain, not a lookalike', () => {
  assert.equal(c.classify(ev('example-porn.com')), 'pornography');
  assert.equal(c.classify(ev('www.a.b.example-porn.com')), 'pornography');
  assert.equal(c.classify(ev('notexample-porn.com')), 'other');
  assert.equal(c.classify(ev('example-porn.com.evil.net')), 'other');
  assert.equal(c.classify(ev('x.dotted.example')), 'pornography');
});

test('UT1 categories map to Haven ones as documented', () => {
  assert.equal(c.classify(ev('hate.example')), 'discrimination');
  assert.equal(c.classify(ev('vpn.example')), 'proxies_vpns');
  assert.equal(c.classify(ev('horoscope.example')), 'other', 'sect is cults/esoterica, not extremism');
  assert.equal(c.classify(ev('kids.example')), 'other', 'child is a white list of sites for children');
  assert.equal(c.classify(ev('shop.example')), 'other');
});

test('an IP literal matches exactly, never by suffix', () => {
  assert.equal(c.classify(ev('198.51.100.7')), 'proxies_vpns');
  assert.equal(c.classify(ev('198.51.100.70')), 'other');
  assert.equal(c.classify(ev('51.100.7')), 'other');
});

test('a host in two lists takes the more severe category', () => {
  assert.equal(c.classify(ev('mixed.example')), 'drugs');
});

test('urls lists match host and path prefix only', () => {
  assert.equal(c.classify(ev('blog.example.org', { url: 'http://blog.example.org/nsfw/page1' })), 'pornography');
  assert.equal(c.classify(ev('blog.example.org', { url: 'https://blog.example.org/recipes' })), 'other');
  assert.equal(c.classify(ev('blog.example.org', { url: '/nsfw/x' })), 'pornography', 'path-only URL');
  assert.equal(c.classify(ev('blog.example.org', { url: 'blog.example.org:443' })), 'other', 'CONNECT has no path');
  assert.equal(c.classify(ev('', { url: 'http://www.example-porn.com/' })), 'pornography', 'host taken from the URL when missing');
});

test("a later folder (the school's) overrides and adds", () => {
  assert.equal(c.classify(ev('sh.example')), 'self_harm');
  assert.equal(c.classify(ev('games.example')), 'other');
  assert.equal(c.classify(ev('unlisted.example')), 'other');
});

test("the filter's own category is kept and the more severe of it and ours wins", () => {
  assert.equal(c.classify(ev('unknown.example', { filterCategory: 'Proxy Avoidance' })), 'proxies_vpns');
  assert.equal(c.classify(ev('games.example', { filterCategory: 'Extremist Groups' })), 'extremism');
  assert.equal(c.classify(ev('example-porn.com', { filterCategory: 'Social Networking' })), 'pornography');
  assert.equal(c.classify(ev('unknown.example', { filterCategory: 'Business' })), 'other');
});

test('vendor names map to Haven categories', () => {
  const cases: [string, string | null][] = [
    ['Pornography', 'pornography'],
    ['Malicious Websites', 'malware_hacking'],
    ['Proxy Avoidance', 'proxies_vpns'],
    ['Gambling', 'gambling'],
    ['Illegal or Unethical', 'other'],
    ['Child Sexual Abuse', 'child_abuse'],
    ['Extremist Groups', 'extremism'],
    ['Terrorism', 'terrorism'],
    ['Social Networking', 'social_media'],
    ['Adult', 'pornography'],
    ['Proxy/Anonymizer', 'proxies_vpns'],
    ['IWF', 'child_abuse'],
    ['Suicide/Self Harm', 'self_harm'],
    ['self_harm', 'self_harm'],
    ['agressif', 'discrimination'],
    ['child', 'other'],
    ['Business', null],
  ];
  for (const [name, want] of cases) assert.equal(mapCategoryName(name), want, name);
  assert.equal(mapFilterCategory('Games, Pornography'), 'pornography');
  assert.equal(mapFilterCategory('[Proxies]'), 'proxies_vpns');
  assert.equal(moreSevere('games', 'terrorism'), 'terrorism');
  assert.equal(moreSevere(null, 'games'), 'games');
});

test('list entries and URLs are cleaned', () => {
  assert.equal(cleanEntry('  # x'), null);
  assert.equal(cleanEntry(''), null);
  assert.equal(cleanEntry('*.Foo.COM.'), 'foo.com');
  assert.deepEqual(pathAndHostOf('http://user@Host.Example:8080/a/b?q'), { host: 'host.example', path: 'a/b?q' });
  assert.deepEqual(pathAndHostOf('host.example:443'), { host: 'host.example', path: '' });
  assert.deepEqual(pathAndHostOf('https://[2001:DB8::1]:443/x'), { host: '2001:db8::1', path: 'x' });
});

test('the real UT1 lists load and classify known hosts', async () => {
  const real = await loadCategoryLists(REAL);
  assert.ok(real.stats.domains > 100_000, `loaded ${real.stats.domains}`);
  assert.equal(real.stats.categories.child, 'other');
  assert.equal(real.stats.categories.sect, 'other');
  assert.equal(real.stats.categories.agressif, 'discrimination');
  assert.equal(real.stats.categories.arjel, 'gambling', 'usage says white and black: may block');
  assert.equal(real.stats.categories.liste_blanche, 'other');
  assert.equal(real.classify(ev('www.14words.com')), 'discrimination');
  assert.equal(real.classify(ev('facebook.com')), 'social_media');
  assert.equal(real.classify(ev('www.bbc.co.uk')), 'other');
  assert.equal(real.classify(ev('020sextoy.com', { url: 'http://020sextoy.com/sk/1' })), 'pornography');
  assert.equal(real.classify(ev('1337games.net', { url: 'http://1337games.net/proxy/x' })), 'proxies_vpns');
});

test('unknown names fall back to keywords, without matching inside other words', () => {
  assert.equal(mapCategoryName('Anonymous Proxies'), 'proxies_vpns');
  assert.equal(mapCategoryName('Hate Groups'), 'discrimination');
  assert.equal(mapCategoryName('Online Piracy'), 'piracy');
  assert.equal(mapCategoryName('Inspiration'), null);
  assert.equal(mapCategoryName('Approximations'), null);
  assert.equal(mapCategoryName('Whatever'), null);
  assert.equal(mapCategoryName('Streaming Media and Download'), null);
  assert.equal(mapFilterCategory('Self Harm, Weapons'), 'self_harm');
  assert.equal(mapFilterCategory('Chat,Photo Sharing,Social Networking,Allow List'), 'social_media');
});

test('a domains line hashes from its bytes exactly as cleanEntry then hashString', () => {
  const lines = ['Foo.COM', '  *.bar.example.  ', '..dots.example', 'HTTP://web.example', 'https://s.example x y', '# no', '', '\t', '*.', '.', 'ünï.example', 'a\tb', 'x.y\r'];
  const got: string[] = [];
  hashDomainLines(new TextEncoder().encode(lines.join('\n')), (a, b) => got.push(`${a},${b}`));
  const want = lines.map(cleanEntry).filter((e) => e !== null).map((e) => hashString(e).join(','));
  assert.deepEqual(got, want);
  assert.equal(want.length, 8);
});

test('the shared host table gives the Map reference answer for every entry of the real lists', async () => {
  const ref = await loadReferenceLists([REAL]);
  const table = await buildCategoryTable(REAL);
  assert.ok(table.hosts.buffer instanceof SharedArrayBuffer, 'workers share one copy');
  // As a worker gets it: cloned through a message, the buffer shared.
  const shared = classifierFromTable(structuredClone(table), { cacheSize: 1000 });
  assert.equal(shared.stats.domains, ref.domains.size);
  assert.equal(shared.stats.urlHosts, ref.urls.size);
  let checked = 0;
  const check = (host: string, path: string | null = null) => {
    const want = ref.classifyHost(host, path);
    const got = shared.classifyHost(host, path);
    if (got !== want) assert.fail(`${host} ${path ?? ''}: table says ${got}, reference ${want}`);
    checked++;
  };
  // Every list, including the neutral ones the table leaves out (their hosts must still come out right).
  for (const folder of await readdir(REAL, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of ['domains', 'urls']) {
      const text = await readFile(join(REAL, folder.name, file), 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        const entry = cleanEntry(line);
        if (entry === null) continue;
        const slash = entry.indexOf('/');
        if (slash > 0) {
          const host = entry.slice(0, slash);
          check(host, entry.slice(slash + 1));
          check(host, `${entry.slice(slash + 1)}more`);
          check(host, 'not/a/listed/path');
          check(`www.${host}`, entry.slice(slash + 1));
          continue;
        }
        check(entry);
        check(`www.${entry}`);
        check(`a.b.${entry}`);
        check(entry.slice(entry.indexOf('.') + 1));
      }
    }
  }
  assert.ok(checked > 1_000_000, `checked ${checked}`);
});

test("the table and the reference agree on a school's lists over the base ones", async () => {
  const dirs = [join(dir, 'ut1'), school];
  const ref = await loadReferenceLists(dirs);
  for (const host of ['games.example', 'unlisted.example', 'sh.example', 'mixed.example', 'kids.example', 'horoscope.example', 'shop.example', 'www.games.example', '198.51.100.7', 'x.198.51.100.7', 'blog.example.org', 'nothing.example'])
    for (const path of [null, 'nsfw/page', 'safe'])
      assert.equal(c.classifyHost(host, path), ref.classifyHost(host, path), `${host} ${path}`);
});

test('the built table is cached on disk and rebuilt when a list changes', async () => {
  const cache = join(dir, 'cache');
  const dirs = [join(dir, 'ut1'), school];
  const built = await loadCategoryTable(dirs, cache);
  const files = await readdir(cache);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^categories-[0-9a-f]{32}\.bin$/);
  assert.equal((await loadCategoryTable(dirs, cache)).hosts.buffer, built.hosts.buffer, 'the same process reuses its table');
  forgetLoadedTables();
  const again = await loadCategoryTable(dirs, cache);
  assert.notEqual(again.hosts.buffer, built.hosts.buffer, 'read back from disk');
  assert.ok(again.hosts.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(new Uint8Array(again.hosts.buffer), new Uint8Array(built.hosts.buffer));
  assert.deepEqual({ ...again, hosts: null }, { ...built, hosts: null });
  const fromCache = classifierFromTable(again);
  assert.equal(fromCache.classifyHost('www.games.example'), 'other', "the school's override survives the cache");
  assert.equal(fromCache.classifyHost('blog.example.org', 'nsfw/x'), 'pornography');
  assert.equal(fromCache.classifyHost('sh.example'), 'self_harm');

  // A list edited since: a new table, and the old file goes.
  await writeFile(join(school, 'self_harm', 'domains'), 'sh.example\nnew-harm.example\n');
  await utimes(join(school, 'self_harm', 'domains'), new Date(), new Date(Date.now() + 5000));
  const changed = classifierFromTable(await loadCategoryTable(dirs, cache));
  assert.equal(changed.classifyHost('new-harm.example'), 'self_harm');
  assert.equal((await readdir(cache)).length, 1);

  // A damaged cache file is rebuilt, not trusted.
  const [file] = await readdir(cache);
  await writeFile(join(cache, file!), 'garbage');
  forgetLoadedTables();
  assert.equal(classifierFromTable(await loadCategoryTable(dirs, cache)).classifyHost('new-harm.example'), 'self_harm');
  await writeFile(join(school, 'self_harm', 'domains'), 'sh.example\n');
});
