// What every service needs: the database, the clock, configuration and the mailer.
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import type { Keys } from './keys.ts';
import type { Mailer } from './mail/mailer.ts';

export type Haven = {
  db: Db;
  clock: Clock;
  config: Config;
  mail: Mailer;
  /** Session secret and evidence key; absent only in tools that need neither. */
  keys?: Keys;
};

/** Who is acting and from where: stamped on every audit event. */
export type ActorRef = {
  accountId: string | null;
  label: string;
  ip: string | null;
  userAgent: string | null;
};

export const SYSTEM_ACTOR: ActorRef = { accountId: null, label: 'Haven (system)', ip: null, userAgent: null };
