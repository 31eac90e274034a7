/**
 * The shape of padda's committed Redis command table, and its derivation from
 * a live server's `COMMAND INFO` and `COMMAND DOCS` replies (RESP2, as ioredis
 * returns them). Shared by the generator, which writes the table, and the test
 * that checks the committed table against a running redis-server.
 */

export interface CommandInfo {
  /** Lower-case; a subcommand is `container|sub`, e.g. `config|get`. */
  name: string;
  /** Argument count including the name; negative: at least -arity. */
  arity: number;
  /** COMMAND INFO flags: write, readonly, denyoom, admin, pubsub, noscript, blocking, movablekeys, ... */
  flags: string[];
  /** Legacy key range (first, last, step); 0 when the command has none. */
  firstKey: number;
  lastKey: number;
  keyStep: number;
  /** ACL categories without the `@`. */
  aclCategories: string[];
  /** Cluster hints such as `request_policy:all_shards`. */
  tips: string[];
  keySpecs: KeySpec[];
  /** COMMAND DOCS group: string, list, generic, server, transactions, pubsub, scripting, ... */
  group: string;
  subcommands: CommandInfo[];
}

/** One Redis 7 key specification: where to start looking (begin_search), then which arguments are keys (find_keys). */
export interface KeySpec {
  /** RO, RW, OW, RM, access, update, insert, delete, not_key, incomplete, variable_flags. */
  flags: string[];
  beginSearch:
    | { type: 'index'; index: number }
    | { type: 'keyword'; keyword: string; startFrom: number }
    | { type: 'unknown' };
  findKeys:
    | { type: 'range'; lastKey: number; keyStep: number; limit: number }
    | { type: 'keynum'; keyNumIndex: number; firstKey: number; keyStep: number }
    | { type: 'unknown' };
}

export interface CommandTableData {
  /** Which server the table was read from. */
  source: string;
  commands: CommandInfo[];
}

type Raw = unknown;

/** A flat RESP2 key/value array (`['type', 'index', 'spec', [...]]`) as an object. */
function pairs(raw: Raw): Record<string, Raw> {
  const list = raw as Raw[];
  const out: Record<string, Raw> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

function keySpec(raw: Raw): KeySpec {
  const spec = pairs(raw);
  const begin = pairs(spec.begin_search);
  const beginSpec = pairs(begin.spec);
  const find = pairs(spec.find_keys);
  const findSpec = pairs(find.spec);
  return {
    flags: (spec.flags as string[]).map(String),
    beginSearch:
      begin.type === 'index' ? { type: 'index', index: Number(beginSpec.index) }
      : begin.type === 'keyword' ? { type: 'keyword', keyword: String(beginSpec.keyword), startFrom: Number(beginSpec.startfrom) }
      : { type: 'unknown' },
    findKeys:
      find.type === 'range' ? { type: 'range', lastKey: Number(findSpec.lastkey), keyStep: Number(findSpec.keystep), limit: Number(findSpec.limit) }
      : find.type === 'keynum' ? { type: 'keynum', keyNumIndex: Number(findSpec.keynumidx), firstKey: Number(findSpec.firstkey), keyStep: Number(findSpec.keystep) }
      : { type: 'unknown' },
  };
}

/** Groups by command name from a COMMAND DOCS reply, subcommands included. */
function groupsFromDocs(rawDocs: Raw, into = new Map<string, string>()): Map<string, string> {
  const docs = pairs(rawDocs);
  for (const [name, rawDoc] of Object.entries(docs)) {
    const doc = pairs(rawDoc);
    into.set(name.toLowerCase(), String(doc.group ?? ''));
    if (doc.subcommands !== undefined) groupsFromDocs(doc.subcommands, into);
  }
  return into;
}

function commandInfo(raw: Raw, groups: Map<string, string>): CommandInfo {
  const [name, arity, flags, first, last, step, acl, tips, specs, subcommands] = raw as [
    string, number, string[], number, number, number, string[], string[], Raw[], Raw[],
  ];
  const lower = String(name).toLowerCase();
  return {
    name: lower,
    arity: Number(arity),
    flags: flags.map(String),
    firstKey: Number(first),
    lastKey: Number(last),
    keyStep: Number(step),
    aclCategories: acl.map((c) => String(c).replace(/^@/, '')),
    tips: (tips ?? []).map(String),
    keySpecs: (specs ?? []).map(keySpec),
    group: groups.get(lower) ?? '',
    subcommands: sortByName((subcommands ?? []).map((s) => commandInfo(s, groups))),
  };
}

function sortByName(commands: CommandInfo[]): CommandInfo[] {
  return commands.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The table from raw `COMMAND INFO` (no names: every command) and `COMMAND DOCS` replies. */
export function commandTableFromServer(source: string, rawInfo: Raw[], rawDocs: Raw): CommandTableData {
  const groups = groupsFromDocs(rawDocs);
  return { source, commands: sortByName(rawInfo.filter((c) => c !== null).map((c) => commandInfo(c, groups))) };
}

/** The committed file's text: one command per line, so a server upgrade shows as a readable diff. */
export function formatCommandTable(table: CommandTableData): string {
  const lines = table.commands.map((c) => JSON.stringify(c));
  return `{"source":${JSON.stringify(table.source)},"commands":[\n${lines.join(',\n')}\n]}\n`;
}

/** What the table needs of a Redis client (ioredis's `call` fits). */
export interface CommandClient {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** Reads the whole table from a live server. */
export async function readCommandTable(client: CommandClient): Promise<CommandTableData> {
  const info = String(await client.call('INFO', 'server'));
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const [rawInfo, rawDocs] = await Promise.all([client.call('COMMAND', 'INFO'), client.call('COMMAND', 'DOCS')]);
  return commandTableFromServer(`redis-server ${version}`, rawInfo as Raw[], rawDocs);
}
