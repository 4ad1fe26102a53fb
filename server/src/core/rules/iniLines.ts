// Ini lines: what makes PHP stop reading or misread the file, unknown or duplicate session /
// phpredis directives, ${VAR} traps.
import { ClientCommands, type FillArgs } from '../../protocol.ts';
import { lineEdit, type ConfigLine } from '../configLine.ts';
import { effective } from '../config.ts';
import { directiveStatus, isLaneDirective, KNOWN_DIRECTIVE_NAMES } from '../directives.ts';
import { parseIniLine, quoteIniValue, type IniProblem } from '../ini.ts';
import { finding, fix, lineSpan, type Rule, type RuleContext } from '../ruleContext.ts';
import { REDIS_URL_ENV } from '../redisUrl.ts';
import { nearest } from '../suggest.ts';
import type { Fix } from '../types.ts';

/** The value as its author wrote it: from after `=` to the line's end, a ` ;comment` left out. */
function writtenValue(text: string): { start: number; end: number } | undefined {
  const eq = /^[^=]*=[ \t]*/.exec(text);
  if (!eq) return undefined;
  const start = eq[0].length;
  let end = text.trimEnd().length;
  const comment = /[ \t]+;[^'"]*$/.exec(text.slice(start, end));
  if (comment) end = start + comment.index;
  return end > start ? { start, end } : undefined;
}

/** "Quote the value" when the quoted text reads back exactly as written (checked with the grammar). */
function quoteFix(line: ConfigLine, start: number, end: number): Fix[] {
  const raw = line.text.slice(start, end);
  const quoted = quoteIniValue(raw);
  const again = parseIniLine(`${line.ini.name} = ${quoted}`);
  if (
    again.problems.length ||
    again.value?.text !== raw ||
    again.value.env.length !== (raw.match(/\$\{/g) ?? []).length
  )
    return [];
  return [fix('Quote the value', [lineEdit(line, start, end, quoted)])];
}

function syntaxFixes(line: ConfigLine, problem: IniProblem): Fix[] {
  const ini = line.ini;
  const lane = ini.kind === 'directive' && isLaneDirective(ini.name);
  switch (problem.kind) {
    case 'indented-section': {
      const indent = /^[ \t]+/.exec(line.text)![0].length;
      return [fix('Remove the indentation', [lineEdit(line, 0, indent, '')])];
    }
    case 'missing-equals':
      // The blanks between the name and the value become ` = `.
      return ini.value
        ? [fix(`Write "${ini.name} = …"`, [lineEdit(line, problem.span.end, ini.value.span.start, ' = ')])]
        : [];
    case 'hash-comment':
      // The `#` becomes `;`: the note stays, as a comment.
      return [fix('Write the comment with ";"', [lineEdit(line, problem.span.start, problem.span.start + 1, ';')])];
    case 'fpm-refused':
      // A `#` comment: php-fpm's comments start with `;`.
      return /^[ \t]*#/.test(line.text) && !ini.fpmPrefix
        ? [fix('Write the comment with ";"', [lineEdit(line, problem.span.start, problem.span.start + 1, ';')])]
        : [];
    case 'unclosed-quote': {
      if (!lane) return [];
      const at = line.text.trimEnd().length;
      const quote = line.text[problem.span.start]!;
      // A trailing backslash would escape the added quote.
      if (quote === '"' && /\\$/.test(line.text.slice(0, at))) return [];
      const closed = line.text.slice(0, at) + quote;
      return parseIniLine(closed).problems.length ? [] : [fix('Close the quote', [lineEdit(line, at, at, quote)])];
    }
    case 'syntax-error':
    case 'misread':
    case 'cut-by-semicolon': {
      // Only the linter's own directives are rewritten; a value is quoted as written.
      if (!lane) return [];
      const v = writtenValue(line.text);
      return v ? quoteFix(line, v.start, v.end) : [];
    }
    default:
      return [];
  }
}

/** The session / phpredis settings PHP never reads because it stopped at `line`. */
function lostSettings(ctx: RuleContext, line: ConfigLine): string[] {
  const i = ctx.lines.indexOf(line);
  const names: string[] = [];
  for (const l of ctx.lines.slice(i + 1)) {
    if (l.origin !== line.origin) continue;
    if (l.ini.dropped && l.ini.kind === 'directive' && isLaneDirective(l.ini.name) && !names.includes(l.ini.name))
      names.push(l.ini.name);
  }
  return names;
}

const STOPS: readonly IniProblem['kind'][] = ['syntax-error', 'indented-section', 'unclosed-quote'];

/** A value PHP reads differently: moot on a line PHP ignores anyway (unknown-directive says so, its fix mends both). */
const VALUE_PROBLEMS: readonly IniProblem['kind'][] = ['misread', 'cut-by-semicolon', 'hash-comment'];

function syntax(ctx: RuleContext, line: ConfigLine): void {
  if (!line.ini.problems.length) return;
  const ignored = line.ini.kind === 'directive' && !directiveStatus(line.ini.name, ctx.phpredis).known;
  for (const problem of line.ini.problems) {
    if (ignored && VALUE_PROBLEMS.includes(problem.kind)) continue;
    let message = problem.message;
    if (STOPS.includes(problem.kind) && ctx.kind !== 'fpm') {
      const lost = lostSettings(ctx, line);
      if (lost.length)
        message += ` Lost with it: ${lost.slice(0, 4).join(', ')}${lost.length > 4 ? `, and ${lost.length - 4} more` : ''}.`;
    }
    let span = problem.span;
    if (problem.kind === 'syntax-error' && line.ini.kind === 'directive' && isLaneDirective(line.ini.name)) {
      // The value to quote, rather than the one character PHP tripped over.
      const v = writtenValue(line.text);
      if (v && v.start <= span.start && span.start < v.end) span = v;
    }
    ctx.report(finding('ini-syntax', lineSpan(line, span), message, syntaxFixes(line, problem)));
  }
}

/** Directives whose loss changes where sessions go, with PHP's default (a typo keeps the default). */
const CRITICAL: Record<string, string> = { 'session.save_handler': 'files', 'session.save_path': '' };

function unknownDirective(ctx: RuleContext, line: ConfigLine): void {
  const { name, nameSpan } = line.ini;
  if (!isLaneDirective(name)) return;
  const status = directiveStatus(name, ctx.phpredis);
  if (status.known) return;
  if ('since' in status) {
    ctx.report(
      finding(
        'unknown-directive',
        lineSpan(line, nameSpan),
        `phpredis ${ctx.phpredis} does not have "${name}" (${status.since} added it): PHP ignores the line. Judged for phpredis ${ctx.phpredis} (phpRedisSessions.phpredisVersion, or composer.json's ext-redis constraint).`,
      ),
    );
    return;
  }
  const candidates = KNOWN_DIRECTIVE_NAMES.filter((n) => directiveStatus(n, ctx.phpredis).known);
  const guess = nearest(name, candidates, 4);
  // A ` # note` after the value would become part of the renamed directive's value: made a comment too.
  const hash = line.ini.problems.find((p) => p.kind === 'hash-comment');
  const edits = [lineEdit(line, nameSpan.start, nameSpan.end, guess ?? '')];
  if (hash) edits.push(lineEdit(line, hash.span.start, hash.span.start + 1, ';'));
  const fixes = guess ? [fix(`Rename to ${guess}`, edits)] : [];
  // PHP ignores the line: when it was the only save_handler / save_path, sessions go elsewhere.
  const value = line.ini.value ? line.ini.value.text.trim().toLowerCase() : '';
  const lost = guess !== undefined && guess in CRITICAL && !effective(ctx.config, guess) && value !== CRITICAL[guess];
  ctx.report(
    finding(
      'unknown-directive',
      lineSpan(line, nameSpan),
      `PHP does not know "${name}" and ignores it${guess ? `: did you mean "${guess}"?` : '.'}${lost ? ` Without it, ${guess} keeps PHP's default.` : ''}`,
      fixes,
      undefined,
      lost ? 'error' : undefined,
    ),
  );
}

function envQuotes(ctx: RuleContext, line: ConfigLine): void {
  const value = line.ini.value;
  if (!value || value.literalEnv.length === 0 || !isLaneDirective(line.ini.name)) return;
  const body = value.text.replace(/["\\]/g, (c) => '\\' + c);
  // Double quotes expand every ${…}, and PHP refuses a line whose ${…} is unclosed or holds a
  // character a variable name cannot ({, (, $…): offered only when PHP reads the result as a
  // value with exactly these variables.
  const probe = parseIniLine(`x = "${body}"`);
  const safe =
    value.quote === 'single' && probe.problems.length === 0 && probe.value?.env.length === value.literalEnv.length;
  ctx.report(
    finding(
      'env-in-single-quotes',
      lineSpan(line, value.literalEnv[0]!.span),
      `PHP does not expand ${value.literalEnv[0]!.name ? '${' + value.literalEnv[0]!.name + '}' : '${…}'} inside single quotes: use double quotes.`,
      safe ? [fix('Switch to double quotes', [lineEdit(line, value.span.start, value.span.end, `"${body}"`)])] : [],
    ),
  );
}

/** Arguments of the client's "Fill from Redis URL…" command: where to write and how to encode. */
export function fillArgs(line: ConfigLine, start: number, end: number, envName?: string): FillArgs {
  return {
    start: line.toDoc(start),
    end: line.toDoc(end),
    json: line.origin !== 'ini',
    ...(envName ? { envName } : {}),
  };
}

function duplicates(ctx: RuleContext): void {
  const fpm = ctx.kind === 'fpm';
  for (const [name, list] of ctx.config.all) {
    // Only the linter's own directives; `extension=` lines each load one extension anyway.
    if (list.length < 2 || !isLaneDirective(name)) continue;
    // One finding on the line PHP keeps; its fix removes every other one.
    const whole = (l: ConfigLine) =>
      lineSpan(l, { start: l.ini.nameSpan.start, end: l.ini.value ? l.ini.value.span.end : l.ini.nameSpan.end });
    const kept = list[list.length - 1]!.line;
    const others = list.slice(0, -1).map((o) => o.line);
    const times = list.length === 2 ? 'twice' : `${list.length} times`;
    const why = fpm
      ? `php-fpm keeps this one (the first php_value of a name wins, and any php_admin_value beats php_value) and ignores the ${others.length === 1 ? 'other' : 'others'}.`
      : `PHP keeps this last value and ignores the earlier ${others.length === 1 ? 'one' : 'ones'}.`;
    ctx.report(
      finding(
        'duplicate-directive',
        whole(kept),
        `${name} is set ${times}: ${why}`,
        [
          fix(
            others.length === 1 ? 'Remove the other line' : 'Remove the other lines',
            others.map((l) => l.removal()),
          ),
        ],
        others.map((l) => ({ ...whole(l), message: `other ${name}, ignored` })),
      ),
    );
  }
}

function redisUrlEnv(ctx: RuleContext): void {
  const path = effective(ctx.config, 'session.save_path');
  const env = path?.value?.env ?? [];
  if (!path?.value || env.length !== 1 || !REDIS_URL_ENV.test(env[0]!.name)) return;
  const v = path.value;
  if (v.text.trim() !== v.text.slice(env[0]!.textStart, env[0]!.textEnd)) return;
  ctx.report(
    finding(
      'redis-url-env',
      lineSpan(path.line, v.span),
      `\${${env[0]!.name}} holds a redis:// URL, which phpredis cannot use as a save_path (no redis:// transport, credentials ignored). Convert it to tcp://host:port?auth=… .`,
      [
        {
          title: 'Convert a Redis URL to a save_path…',
          edits: [],
          safe: false,
          command: {
            command: ClientCommands.fillFromRedisUrl,
            title: 'Convert a Redis URL to a save_path…',
            arguments: [fillArgs(path.line, v.span.start, v.span.end, env[0]!.name)],
          },
        },
      ],
    ),
  );
}

export const iniLineRules: Rule = (ctx) => {
  for (const line of ctx.lines) {
    syntax(ctx, line);
    if (line.ini.kind !== 'directive') continue;
    unknownDirective(ctx, line);
    envQuotes(ctx, line);
  }
  duplicates(ctx);
  redisUrlEnv(ctx);
};
