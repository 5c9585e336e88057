// How outside category names (UT1 / SquidGuard list folders, filter vendors' own categories) become
// Haven's categories, and which Haven category wins when a host earns several. Pure tables.
import { HAVEN_CATEGORIES, type HavenCategory } from '../event.ts';

/**
 * Most severe first. When a host is in several lists, or the filter's category and ours disagree, the
 * earlier one wins. The four categories that raise a high alert lead; harmful content comes before
 * bypass, and bypass before the governance categories.
 */
export const SEVERITY_ORDER: readonly HavenCategory[] = [
  'child_abuse',
  'terrorism',
  'extremism',
  'self_harm',
  'pornography',
  'discrimination',
  'violence',
  'drugs',
  'proxies_vpns',
  'malware_hacking',
  'gambling',
  'piracy',
  'social_media',
  'games',
  'other',
];

/** A category's internal code: its place in SEVERITY_ORDER, so a smaller code is more severe. */
export const CODE_OF = new Map<HavenCategory, number>(SEVERITY_ORDER.map((c, i) => [c, i]));
export const OTHER_CODE = SEVERITY_ORDER.length - 1;
/** No list matched (distinct from 'other', which a list may assign on purpose). */
export const NO_CODE = SEVERITY_ORDER.length;

export function codeOf(c: HavenCategory): number {
  return CODE_OF.get(c) ?? OTHER_CODE;
}
export function categoryOfCode(code: number): HavenCategory {
  return SEVERITY_ORDER[code] ?? 'other';
}
/** The more severe of two, or the one that exists. */
export function moreSevere(a: HavenCategory | null, b: HavenCategory | null): HavenCategory | null {
  if (a === null) return b;
  if (b === null) return a;
  return codeOf(a) <= codeOf(b) ? a : b;
}

/**
 * UT1 folder → Haven category, decided from each list's `usage` and global_usage description.
 * | UT1 folder                                   | Haven            | Why |
 * |----------------------------------------------|------------------|-----|
 * | adult, mixed_adult, lingerie                 | pornography      | erotic to hard pornography; sites with adult sections; lingerie is the list schools block with adult |
 * | agressif                                     | discrimination   | FR description: racist, antisemitic, hate-inciting sites — UKSIC "discrimination", not violence |
 * | dangerous_material                           | violence         | bomb/poison how-tos and weapon sellers (mostly arms shops), not terrorist content as such |
 * | drogue                                       | drugs            | |
 * | gambling, arjel                              | gambling         | arjel is the French licensed-betting list |
 * | hacking, malware, phishing, cryptojacking, ddos, stalkerware, dialer | malware_hacking | attack tools, malicious sites, covert monitoring apps, premium-rate dialers |
 * | warez                                        | piracy           | |
 * | vpn, redirector, strict_/strong_redirector, residential-proxies, doh | proxies_vpns | each is described as a way round the filter (DoH evades DNS filtering) |
 * | social_networks, chat                        | social_media     | |
 * | games                                        | games            | educational_games is a white list → other |
 * | sect                                         | other            | cults and esoteric sites (clairvoyance, healing); not the UKSIC "extremism" (terrorist ideology, intolerance) — mapping it there would raise high alerts on horoscope sites |
 * | child                                        | other            | a WHITE list of sites made FOR children; never child_abuse |
 * | sexual_education, liste_blanche, liste_bu, … | other            | white lists and neutral topics |
 * | everything else (dating, shopping, press, …) | other            | no UKSIC area |
 */
export const UT1_TO_HAVEN: Readonly<Record<string, HavenCategory>> = {
  adult: 'pornography',
  mixed_adult: 'pornography',
  lingerie: 'pornography',
  agressif: 'discrimination',
  dangerous_material: 'violence',
  drogue: 'drugs',
  gambling: 'gambling',
  arjel: 'gambling',
  hacking: 'malware_hacking',
  malware: 'malware_hacking',
  phishing: 'malware_hacking',
  cryptojacking: 'malware_hacking',
  ddos: 'malware_hacking',
  stalkerware: 'malware_hacking',
  dialer: 'malware_hacking',
  warez: 'piracy',
  vpn: 'proxies_vpns',
  redirector: 'proxies_vpns',
  strict_redirector: 'proxies_vpns',
  strong_redirector: 'proxies_vpns',
  'residential-proxies': 'proxies_vpns',
  doh: 'proxies_vpns',
  social_networks: 'social_media',
  chat: 'social_media',
  games: 'games',
  sect: 'other',
  child: 'other',
  educational_games: 'other',
  sexual_education: 'other',
};

/**
 * Vendor and list names (lower-cased, punctuation folded to single spaces) → Haven. Covers FortiGuard
 * catdesc, Cisco Umbrella content categories, e2guardian/Shalla list names and UK lists (IWF, CTIRU).
 * Names not here fall to keywordCategory(); names matching nothing give null (the lists decide).
 */
export const VENDOR_TO_HAVEN: Readonly<Record<string, HavenCategory>> = {
  // UK statutory lists
  iwf: 'child_abuse',
  'iwf url list': 'child_abuse',
  ctiru: 'terrorism',
  'ctiru list': 'terrorism',
  'police assessed list of unlawful terrorist content': 'terrorism',
  // FortiGuard (FortiGate catdesc)
  'child sexual abuse': 'child_abuse',
  'child abuse': 'child_abuse',
  terrorism: 'terrorism',
  'extremist groups': 'extremism',
  discrimination: 'discrimination',
  'explicit violence': 'violence',
  'weapons sales': 'violence',
  'drug abuse': 'drugs',
  marijuana: 'drugs',
  pornography: 'pornography',
  'adult materials': 'pornography',
  'other adult materials': 'pornography',
  'nudity and risque': 'pornography',
  gambling: 'gambling',
  hacking: 'malware_hacking',
  'malicious websites': 'malware_hacking',
  phishing: 'malware_hacking',
  'spam urls': 'malware_hacking',
  'crypto mining': 'malware_hacking',
  'potentially unwanted program': 'malware_hacking',
  'proxy avoidance': 'proxies_vpns',
  'peer to peer file sharing': 'piracy',
  'social networking': 'social_media',
  'instant messaging': 'social_media',
  games: 'games',
  // "Illegal or Unethical" spans fraud, cheating and plagiarism: no single UKSIC area.
  'illegal or unethical': 'other',
  'sex education': 'other',
  // Cisco Umbrella
  adult: 'pornography',
  nudity: 'pornography',
  'lingerie bikini': 'pornography',
  'child abuse content': 'child_abuse',
  'hate discrimination': 'discrimination',
  'hate speech': 'discrimination',
  'illegal drugs': 'drugs',
  drugs: 'drugs',
  weapons: 'violence',
  violence: 'violence',
  'proxy anonymizer': 'proxies_vpns',
  'dns tunneling vpn': 'proxies_vpns',
  malware: 'malware_hacking',
  cryptomining: 'malware_hacking',
  'command and control': 'malware_hacking',
  'p2p file sharing': 'piracy',
  'peer file transfer': 'piracy',
  'terrorism and violent extremism': 'terrorism',
  'self harm': 'self_harm',
  suicide: 'self_harm',
  'suicide self harm': 'self_harm',
  // e2guardian / Shalla list names
  porn: 'pornography',
  proxy: 'proxies_vpns',
  proxies: 'proxies_vpns',
  anonvpn: 'proxies_vpns',
  vpn: 'proxies_vpns',
  gamble: 'gambling',
  warez: 'piracy',
  piracy: 'piracy',
  spyware: 'malware_hacking',
  aggressive: 'discrimination',
  racism: 'discrimination',
  socialnet: 'social_media',
  chat: 'social_media',
  extremism: 'extremism',
};

/** Last resort for unknown names: keyword stems, most severe first. */
const KEYWORDS: readonly [RegExp, HavenCategory][] = [
  [/child (sexual )?abuse|csam|\biwf\b/, 'child_abuse'],
  [/terror/, 'terrorism'],
  [/extrem|radicali/, 'extremism'],
  [/self harm|suicid/, 'self_harm'],
  [/porn|\badult|\bnud|\bsex(?!ual education|ual health| education)/, 'pornography'],
  [/\bhate\b|\bracis|discrimin/, 'discrimination'],
  [/violen|weapon/, 'violence'],
  [/drug|narcotic/, 'drugs'],
  [/\bprox(y|ies)\b|anonymi|\bvpn|circumvent|redirector|\bdoh\b/, 'proxies_vpns'],
  [/malware|malicious|phish|hack|botnet|crypto ?(jack|min)/, 'malware_hacking'],
  [/gambl|casino|betting/, 'gambling'],
  [/\bpira|warez|\bp2p\b|peer to peer|torrent/, 'piracy'],
  [/social|chat|messaging/, 'social_media'],
  [/\bgam(e|es|ing)\b/, 'games'],
];

/** Lower-case; every run of non-alphanumerics becomes one space ('Proxy/Anonymizer' → 'proxy anonymizer'). */
export function foldName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const HAVEN_SET = new Set<string>(HAVEN_CATEGORIES);

/** One category name from any product or list folder → Haven, or null when it says nothing we know. */
export function mapCategoryName(name: string): HavenCategory | null {
  const raw = name.trim().toLowerCase();
  if (raw === '') return null;
  if (HAVEN_SET.has(raw)) return raw as HavenCategory;
  const ut1 = UT1_TO_HAVEN[raw];
  if (ut1) return ut1;
  const folded = foldName(raw);
  const underscored = folded.replace(/ /g, '_');
  if (HAVEN_SET.has(underscored)) return underscored as HavenCategory;
  const vendor = VENDOR_TO_HAVEN[folded] ?? UT1_TO_HAVEN[underscored];
  if (vendor) return vendor;
  for (const [re, cat] of KEYWORDS) if (re.test(folded)) return cat;
  return null;
}

/**
 * The filter's own category field → Haven. Products write one name or several ("Pornography, Adult";
 * e2guardian "[Pornography]"), so try the whole text, then each part; the most severe part wins.
 */
export function mapFilterCategory(text: string): HavenCategory | null {
  const whole = mapCategoryName(text.replace(/^[\s[(]+|[\s\])]+$/g, ''));
  const parts = text.split(/[,;|]/);
  if (parts.length === 1) return whole;
  let best: HavenCategory | null = null;
  for (const p of parts) best = moreSevere(best, mapCategoryName(p.replace(/^[\s[(]+|[\s\])]+$/g, '')));
  return best ?? whole;
}
