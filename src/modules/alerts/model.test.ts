import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedActions, eventsCsv, FOLD_WINDOW_MS, folds, foldKey, higher, queueCompare, refusal, suggestedType } from './model.ts';

const H = 60 * 60_000;

test('folding: within the window of the open span folds, beyond it does not, in both directions', () => {
  const open = { firstAt: 10 * H, lastAt: 11 * H };
  assert.equal(folds(open, { firstAt: 11 * H + FOLD_WINDOW_MS, lastAt: 13 * H }), true, 'exactly at the edge');
  assert.equal(folds(open, { firstAt: 11 * H + FOLD_WINDOW_MS + 1, lastAt: 13 * H }), false, 'one ms past');
  assert.equal(folds(open, { firstAt: 10 * H + 5, lastAt: 10 * H + 10 }), true, 'inside');
  assert.equal(folds(open, { firstAt: 8 * H, lastAt: 9 * H }), true, 'an hour before');
  assert.equal(folds(open, { firstAt: 7 * H, lastAt: 9 * H - 1 }), false, 'more than an hour before');
});

test('the fold key separates rule, subject and category', () => {
  const a = { rule: 'harmful_content', subjectKey: 'rquill', category: 'self_harm' };
  assert.equal(foldKey(a), foldKey({ ...a }));
  assert.notEqual(foldKey(a), foldKey({ ...a, category: 'gambling' }));
  assert.notEqual(foldKey(a), foldKey({ ...a, category: null }));
  assert.notEqual(foldKey(a), foldKey({ ...a, subjectKey: 'other' }));
  assert.notEqual(foldKey(a), foldKey({ ...a, rule: 'filter_bypass' }));
});

test('queue order is priority first, then oldest first; higher() keeps the higher priority', () => {
  const list = [
    { id: 'low-old', priority: 'low' as const, firstAt: 1 },
    { id: 'high-new', priority: 'high' as const, firstAt: 9 },
    { id: 'medium', priority: 'medium' as const, firstAt: 5 },
    { id: 'high-old', priority: 'high' as const, firstAt: 2 },
  ];
  assert.deepEqual(
    [...list].sort(queueCompare).map((x) => x.id),
    ['high-old', 'high-new', 'medium', 'low-old'],
  );
  assert.equal(higher('medium', 'high'), 'high');
  assert.equal(higher('low', 'medium'), 'medium');
});

test('triage: settled alerts refuse every action; an acknowledged one can still be dismissed or made a concern', () => {
  assert.deepEqual(allowedActions('open'), ['acknowledge', 'dismiss', 'open_concern', 'join_concern']);
  assert.deepEqual(allowedActions('acknowledged'), ['dismiss', 'open_concern', 'join_concern']);
  assert.deepEqual(allowedActions('dismissed'), []);
  assert.deepEqual(allowedActions('concern'), []);
  assert.match(refusal('concern', 'dismiss') ?? '', /already part of a concern/);
});

test('suggested concern types follow the rule and category', () => {
  assert.equal(suggestedType('harmful_content', 'self_harm'), 'self_harm');
  assert.equal(suggestedType('harmful_content', 'extremism'), 'radicalisation');
  assert.equal(suggestedType('harmful_content', 'child_abuse'), 'illegal_content');
  assert.equal(suggestedType('filter_bypass', 'proxies_vpns'), 'filter_bypass');
  assert.equal(suggestedType('blocked_burst', 'games'), 'inappropriate_website');
});

test('the evidence CSV quotes fields and defuses spreadsheet formulas', () => {
  const csv = eventsCsv([
    {
      at: new Date('2026-09-14T09:00:00Z'),
      source: 'squid',
      user: '=HYPERLINK("x")',
      clientIp: '10.0.0.1',
      device: null,
      host: 'a.example',
      url: 'http://a.example/?q=1,2',
      action: 'blocked',
      filterCategory: 'selfharm',
      reason: null,
    },
  ]);
  const [head, row] = csv.trim().split('\r\n');
  assert.equal(head, 'time_utc,source,user,client_ip,device,host,url,action,filter_category,reason');
  assert.equal(row, `2026-09-14T09:00:00.000Z,squid,"'=HYPERLINK(""x"")",10.0.0.1,,a.example,"http://a.example/?q=1,2",blocked,selfharm,`);
});
