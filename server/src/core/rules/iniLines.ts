// §2.2 ini lines: syntax PHP cannot read, unknown or duplicate directives, ${VAR} traps.
import { ClientCommands, type FillArgs } from '../../protocol.ts';
import { lineEdit, type ConfigLine } from '../configLine.ts';
import { effective } from '../config.ts';
import { DIRECTIVES, directiveDoc, isSessionNamespace } from '../directives.ts';
import { phpIniValue, quoteIniValue, type IniProblem } from '../ini.ts';
import { finding, fix, lineSpan, type Rule, type RuleContext } from '../ruleContext.ts';
import { REDIS_URL_ENV } from '../redisUrl.ts';
import { nearest } from '../suggest.ts';
import type { Fix } from '../types.ts';

const DIRECTIVE_NAMES = DIRECTIVES.map((x) => x.name);

function syntaxFixes(line: ConfigLine, problem: IniProblem): Fix[] {
  const ini = line.ini;
  const value = ini.value;
  if (problem.kind === 'needs-quotes' && value && value.quote === 'none' && !/\$\{[^}]*$/.test(value.text)) {
    const raw = line.text.slice(value.span.start, problem.span.end).trimEnd();
    return [
      fix('Quote the value', [lineEdit(line, value.span.start, value.span.start + raw.length, quoteIniValue(raw))]),
    ];
  }
  if (problem.kind === 'unbalanced-quote' && value) {
    const close = line.text[problem.span.start];
    const at = line.text.trimEnd().length;
    // A trailing backslash would escape the added quote.
    if (close === '"' && /\\$/.test(line.text.slice(0, at))) return [];
    return [fix('Close the quote', [lineEdit(line, at, at, close)])];
  }
  if (problem.kind === 'missing-equals' && value) {
    // The blanks between the name and the value become ` = `.
    return [fix(`Write "${ini.name} = …"`, [lineEdit(line, problem.span.end, value.span.start, ' = ')])];
  }
  return [];
}

function syntax(ctx: RuleContext, line: ConfigLine): void {
  for (const problem of line.ini.problems) {
    ctx.report(finding('ini-syntax', lineSpan(line, problem.span), problem.message, syntaxFixes(line, problem)));
  }
}

/** Directives whose loss changes where sessions go, with PHP's default (a typo keeps the default). */
const CRITICAL: Record<string, string> = { 'session.save_handler': 'files', 'session.save_path': '' };

function unknownDirective(ctx: RuleContext, line: ConfigLine): void {
  const { name, nameSpan } = line.ini;
  if (!isSessionNamespace(name) || directiveDoc(name)) return;
  const guess = nearest(name, DIRECTIVE_NAMES, 4);
  const fixes = guess ? [fix(`Rename to ${guess}`, [lineEdit(line, nameSpan.start, nameSpan.end, guess)])] : [];
  // PHP ignores the line: when it was the only save_handler / save_path, sessions go elsewhere.
  const value = line.ini.value ? phpIniValue(line.ini.value).trim().toLowerCase() : '';
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
  if (!value || value.literalEnv.length === 0) return;
  const body = value.text.replace(/["\\]/g, (c) => '\\' + c);
  // Double quotes expand every ${…}: an unclosed one would break the line.
  const safe = !/\$\{[^}]*$/.test(value.text) && value.quote === 'single';
  ctx.report(
    finding(
      'env-in-single-quotes',
      lineSpan(line, value.literalEnv[0].span),
      `PHP does not expand ${value.literalEnv[0].name ? '${' + value.literalEnv[0].name + '}' : '${…}'} inside single quotes: use double quotes.`,
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

export const iniLineRules: Rule = (ctx) => {
  for (const line of ctx.lines) {
    if (line.ini.kind !== 'directive') continue;
    syntax(ctx, line);
    unknownDirective(ctx, line);
    envQuotes(ctx, line);
  }
  for (const [name, list] of ctx.config.all) {
    if (list.length < 2) continue;
    // One finding on the line PHP keeps; its fix removes every earlier one.
    const whole = (l: ConfigLine) =>
      lineSpan(l, { start: l.ini.nameSpan.start, end: l.ini.value ? l.ini.value.span.end : l.ini.nameSpan.end });
    const later = list[list.length - 1].line;
    const earlier = list.slice(0, -1).map((o) => o.line);
    ctx.report(
      finding(
        'duplicate-directive',
        whole(later),
        `${name} is set ${list.length === 2 ? 'twice' : `${list.length} times`}: PHP keeps this last value and ignores the earlier ${earlier.length === 1 ? 'one' : 'ones'}.`,
        [
          fix(
            earlier.length === 1 ? 'Remove the earlier line' : 'Remove the earlier lines',
            earlier.map((l) => l.removal()),
          ),
        ],
        earlier.map((l) => ({ ...whole(l), message: `earlier ${name}, ignored` })),
      ),
    );
  }
  const path = effective(ctx.config, 'session.save_path');
  const env = path?.value?.env ?? [];
  if (
    path?.value &&
    env.length === 1 &&
    REDIS_URL_ENV.test(env[0].name) &&
    path.value.text.trim() === `\${${env[0].name}}`
  ) {
    const v = path.value;
    ctx.report(
      finding(
        'redis-url-env',
        lineSpan(path.line, v.span),
        `\${${env[0].name}} holds a redis:// URL, which phpredis cannot use as a save_path (no redis:// transport, credentials ignored). Convert it to tcp://host:port?auth=… .`,
        [
          {
            title: 'Convert a Redis URL to a save_path…',
            edits: [],
            safe: false,
            command: {
              command: ClientCommands.fillFromRedisUrl,
              title: 'Convert a Redis URL to a save_path…',
              arguments: [fillArgs(path.line, v.span.start, v.span.end, env[0].name)],
            },
          },
        ],
      ),
    );
  }
};
