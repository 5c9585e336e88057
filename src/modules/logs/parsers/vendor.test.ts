import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fortigateParser, keyValues } from './fortigate.ts';
import { genericParser, mappingProblems, type GenericMapping } from './generic.ts';
import { parseUmbrella } from './umbrella.ts';
import { ev, fixtureLines, run } from './testing.ts';

test('umbrella: documented rows, identity types decide user or device, blocked categories as reason', () => {
  const { events, skipped } = run(parseUmbrella, ['"Timestamp","Most Granular Identity","Identities"', ...fixtureLines('umbrella-dns.csv')]);
  assert.equal(skipped, 1, 'the header row');
  assert.deepEqual(events, [
    ev({
      at: Date.UTC(2015, 0, 16, 17, 48, 41), source: 'umbrella', user: 'ActiveDirectoryUserName', clientIp: '10.10.1.100', host: 'domain-visited.com',
      action: 'allowed', filterCategory: 'Chat,Photo Sharing,Social Networking,Allow List',
    }),
    ev({
      at: Date.UTC(2020, 6, 23, 23, 49, 54), source: 'umbrella', user: 'elasticuser', clientIp: '192.168.1.1', host: 'www.elastic.co',
      action: 'allowed', filterCategory: 'Software/Technology,Business Services,Application',
    }),
    ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 2), source: 'umbrella', user: 'jbloggs@school.example', clientIp: '10.20.1.16', host: 'www.bet365.com',
      action: 'blocked', filterCategory: 'Gambling', reason: 'Gambling',
    }),
    ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 3), source: 'umbrella', device: 'LAB1-PC07', clientIp: '10.20.1.17', host: 'classroom.google.com',
      action: 'allowed', filterCategory: 'Education',
    }),
  ]);
  assert.deepEqual(parseUmbrella('"2026-11-23 09:15:02","a"'), { kind: 'malformed', reason: 'too few fields' });
  assert.deepEqual(parseUmbrella('"2026-11-23 09:15:02","a'), { kind: 'malformed', reason: 'bad csv' });
  assert.deepEqual(parseUmbrella('"later","a","a","1.1.1.1","2.2.2.2","Allowed","1 (A)","NOERROR","x.example.","Cat"'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(parseUmbrella('"2026-11-23 09:15:02","a","a","1.1.1.1","2.2.2.2","Allowed","1 (A)","NOERROR","","Cat"'), { kind: 'malformed', reason: 'no host' });
});

test('fortigate: documented webfilter lines; eventtime in s or ns; device tz; passthrough is allowed', () => {
  const { events } = run(fortigateParser(), fixtureLines('fortigate-webfilter.log'));
  assert.deepEqual(events, [
    ev({
      at: 1545938629000, source: 'fortigate', user: 'bob', clientIp: '10.1.100.11', host: 'ambrishsriv.wixsite.com', url: 'http://ambrishsriv.wixsite.com/bizsquads',
      action: 'blocked', filterCategory: 'Malicious Websites', reason: 'URL belongs to a denied category in policy', bytes: 0,
    }),
    // no eventtime: date+time read in Europe/London (GMT in February)
    ev({
      at: Date.UTC(2016, 1, 12, 11, 40, 47), source: 'fortigate', clientIp: '192.168.1.183', host: 'www.youku.com', url: 'http://www.youku.com/',
      action: 'blocked', filterCategory: 'Streaming Media and Download', reason: 'URL belongs to a denied category in policy', bytes: 948,
    }),
    ev({
      at: 1782911109123, source: 'fortigate', user: 'SCHOOL\\jbloggs', clientIp: '10.20.1.16', host: 'www.bet365.com', url: 'https://www.bet365.com/',
      action: 'blocked', filterCategory: 'Gambling', reason: 'URL belongs to a denied category in policy', bytes: 0,
    }),
    ev({
      at: Date.UTC(2026, 6, 1, 13, 5, 10), source: 'fortigate', clientIp: '10.20.1.17', host: 'classroom.google.com', url: 'https://classroom.google.com/c/NjM',
      action: 'allowed', filterCategory: 'Education', bytes: 53211,
    }),
  ]);
  const p = fortigateParser();
  assert.deepEqual(p('date=2026-07-01 time=14:05:10 type="traffic" subtype="forward" srcip=10.0.0.1'), { kind: 'skip' });
  assert.deepEqual(p('nothing to see'), { kind: 'malformed', reason: 'not key=value' });
  assert.deepEqual(p('date=soon time=x type=utm subtype=webfilter hostname=a.example'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(p('eventtime=1545938629 type=utm subtype=webfilter action=blocked'), { kind: 'malformed', reason: 'no host' });
  assert.equal(keyValues('msg="say \\"hi\\"" a=1').get('msg'), 'say "hi"');
});

const smoothwall: GenericMapping = {
  kind: 'csv',
  source: 'smoothwall',
  timeFormat: 'dd/MM/yyyy HH:mm:ss',
  fields: { time: 'Date', user: 'Username', clientIp: 'Client IP', host: 'Hostname', url: 'URL', action: 'Action', category: 'Category', reason: 'Reason', bytes: 'Bytes' },
};

test('generic CSV: columns by header name, UK dates in Europe/London, host from the URL when absent', () => {
  const { events, skipped } = run(genericParser(smoothwall), fixtureLines('generic-smoothwall.csv'));
  assert.equal(skipped, 1);
  assert.deepEqual(events, [
    ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 2), source: 'smoothwall', user: 'SCHOOL\\jbloggs', clientIp: '10.20.1.16', host: 'www.bet365.com',
      url: 'https://www.Bet365.com/en/', action: 'blocked', filterCategory: 'Gambling', reason: 'Blocked by policy: Pupils - Gambling', bytes: 0,
    }),
    ev({
      at: Date.UTC(2026, 6, 1, 13, 5, 9), source: 'smoothwall', user: 'staff1@school.example', clientIp: '10.20.1.17', host: 'classroom.google.com',
      url: 'https://classroom.google.com/c/NjM', action: 'allowed', filterCategory: 'Education', bytes: 53211,
    }),
  ]);
});

test('generic CSV: columns by index without a header, epoch seconds, custom blocked values', () => {
  const p = genericParser({ kind: 'csv', timeFormat: 'epoch_s', delimiter: ';', blockedValues: ['DROP'], fields: { time: 0, user: 1, host: 2, action: 3 } });
  assert.deepEqual(p('1795425302;jbloggs;WWW.Example.COM.;drop'), {
    kind: 'event',
    event: ev({ at: 1795425302000, source: 'generic', user: 'jbloggs', host: 'www.example.com', action: 'blocked' }),
  });
  assert.deepEqual(p('1795425302;-;a.example;PASS'), { kind: 'event', event: ev({ at: 1795425302000, source: 'generic', host: 'a.example', action: 'allowed' }) });
  assert.deepEqual(p('soon;x;a.example;PASS'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(p('1795425302;x;;PASS'), { kind: 'malformed', reason: 'no host' });
  assert.deepEqual(p('"1795425302;x'), { kind: 'malformed', reason: 'bad csv' });
});

test('generic CSV: a header missing a mapped column reports it per line', () => {
  const p = genericParser(smoothwall, 'When,Who,Where');
  assert.deepEqual(p('23/11/2026 09:15:02,bob,a.example'), { kind: 'malformed', reason: 'missing column' });
});

test('generic JSON lines: monitoring captures by key path with severity, trigger and screenshot', () => {
  const mapping: GenericMapping = {
    kind: 'json',
    source: 'monitoring',
    timeFormat: 'iso',
    fields: {
      time: 'timestamp', user: 'user.name', device: 'device.name', clientIp: 'device.ip', url: 'url', category: 'alert.category',
      severity: 'alert.severity', trigger: 'alert.phrase', captureRef: 'screenshot',
    },
  };
  const { events } = run(genericParser(mapping), fixtureLines('generic-monitoring.jsonl'));
  assert.deepEqual(events, [
    {
      ...ev({ at: Date.UTC(2026, 10, 23, 9, 20), source: 'monitoring', user: 'jbloggs@school.example', device: 'LAB1-PC07', clientIp: '10.20.1.16', host: '', action: 'allowed', filterCategory: 'Self Harm' }),
      severity: 3, trigger: 'how to self harm', captureRef: 'cap-1001.png',
    },
    {
      // a number under an 'iso' time is read as epoch by magnitude
      ...ev({
        at: 1795425600000, source: 'monitoring', user: 'asmith', device: 'LAPTOP-22', host: 'free-vpn.example.net',
        url: 'https://free-vpn.example.net/download', action: 'allowed', filterCategory: 'Proxies',
      }),
      severity: 2, trigger: 'vpn download', captureRef: 'cap-1002.png',
    },
  ]);
  const p = genericParser(mapping);
  assert.deepEqual(p('{"timestamp":'), { kind: 'malformed', reason: 'bad json' });
  assert.deepEqual(p('{"user":{"name":"x"}}'), { kind: 'malformed', reason: 'bad time' });
});

test('generic: mapping problems are spelled out', () => {
  assert.deepEqual(mappingProblems(smoothwall), []);
  assert.deepEqual(mappingProblems({ kind: 'json', timeFormat: 'iso', fields: { user: 1 } }), [
    'map a column to time',
    'map a column to host or url (or trigger, for monitoring captures)',
    'user: JSON fields are key paths',
  ]);
});
