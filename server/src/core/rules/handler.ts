// session.save_handler / session.serialize_handler values, and whether the save_path fits the handler.
import { lineEdit, type ConfigLine } from '../configLine.ts';
import { effective, handlerName, type Occurrence } from '../config.ts';
import { SAVE_HANDLERS, SERIALIZE_HANDLERS } from '../directives.ts';
import { maskEnv } from '../envMask.ts';
import { isRuntimeValue } from '../ini.ts';
import { finding, fix, lineSpan, type Rule, type RuleContext } from '../ruleContext.ts';
import { splitSavePath } from '../savePath.ts';
import { nearest } from '../suggest.ts';
import type { Fix } from '../types.ts';

// Names people write for a handler, beyond edit distance.
const HANDLER_CONFUSIONS: Record<string, string> = {
  phpredis: 'redis',
  'php-redis': 'redis',
  php_redis: 'redis',
  predis: 'redis',
  rediss: 'redis',
  tcp: 'redis',
  'redis-cluster': 'rediscluster',
  redis_cluster: 'rediscluster',
  cluster: 'rediscluster',
  file: 'files',
};

export type PathKind = 'empty' | 'cluster' | 'url' | 'socket' | 'directory' | 'other';

/** What a save_path is written for, from its shape alone. */
export function pathKind(path: string): PathKind {
  // phpredis skips leading separators: `, tcp://h:1` is a redis path.
  const t = path.replace(/^[\s,]+/, '').trim();
  if (!t) return 'empty';
  if (/(^|&)\s*seed(\[|%5B)/i.test(t) || /^seed=/i.test(t)) return 'cluster';
  if (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ||
    /^(unix|tcp|tls|ssl|rediss?):/i.test(t) ||
    /^[^/\s?,]+:\d+([?/,\s]|$)/.test(t)
  )
    return 'url';
  if (t.startsWith('/')) return /\.sock$|redis/i.test(t.split(/[?\s,]/)[0]) ? 'socket' : 'directory';
  if (/^\d+;/.test(t)) return 'directory';
  return 'other';
}

function valueFix(line: ConfigLine, occ: Occurrence, to: string, title: string): Fix {
  const v = occ.value!;
  // Keep the user's quoting; an unquoted or concatenated value is replaced whole.
  const inner =
    v.quote === 'single' || v.quote === 'double' ? { start: v.offsets[0], end: v.offsets[v.text.length] } : v.span;
  // `name=;comment`: a blank keeps the new value apart from the comment.
  const text = v.quote === 'none' && line.text[inner.end] === ';' ? `${to} ` : to;
  return fix(title, [lineEdit(line, inner.start, inner.end, text)]);
}

/** The handler a name PHP does not have was meant to be (`reddis` → redis), if it is clear. */
export function handlerGuess(name: string): string | undefined {
  const trimmed = name.trim();
  if ((SAVE_HANDLERS as readonly string[]).includes(trimmed)) return trimmed;
  return HANDLER_CONFUSIONS[trimmed] ?? (/^rediss?:\/\//.test(trimmed) ? 'redis' : nearest(trimmed, SAVE_HANDLERS, 2));
}

/**
 * The handler the configuration is written for: the one PHP uses, or for a name PHP does not have, the one it
 * was meant to be (from its spelling, else from the save_path's shape). Undefined when it depends on ${VAR}.
 */
export function intendedHandler(config: RuleContext['config']): string | undefined {
  const occ = effective(config, 'session.save_handler');
  const name = handlerName(occ);
  if (name === undefined || (SAVE_HANDLERS as readonly string[]).includes(name)) return name;
  const guess = handlerGuess(name);
  if (guess) return guess;
  const pathOcc = effective(config, 'session.save_path');
  const path = pathOcc?.value ? maskEnv(pathOcc.value)?.text : undefined;
  const kind = path === undefined ? undefined : pathKind(path);
  return kind === 'cluster' ? 'rediscluster' : kind === 'url' || kind === 'socket' ? 'redis' : undefined;
}

function checkSaveHandler(ctx: RuleContext, occ: Occurrence): void {
  const v = occ.value;
  const name = handlerName(occ);
  // A line PHP misreads (a `#` note, an operator) already has its ini-syntax finding.
  if (!v || name === undefined || occ.line.ini.problems.length) return;
  if ((SAVE_HANDLERS as readonly string[]).includes(name)) return;
  const where = lineSpan(occ.line, v.span);
  if (name === 'user') {
    ctx.report(
      finding(
        'user-save-handler',
        where,
        'session.save_handler = user cannot be set from php.ini ("cannot be set by ini_set()"): register the handler with session_set_save_handler() instead.',
      ),
    );
    return;
  }
  const guess = handlerGuess(name);
  ctx.report(
    finding(
      'unknown-save-handler',
      where,
      `PHP has no session save handler "${v.text}" ("Cannot find session save handler")${guess ? `: did you mean "${guess}"?` : '.'} Valid: ${SAVE_HANDLERS.join(', ')}.`,
      guess ? [valueFix(occ.line, occ, guess, `Replace with "${guess}"`)] : [],
    ),
  );
}

function checkSerializer(ctx: RuleContext, occ: Occurrence): void {
  const v = occ.value;
  if (!v || isRuntimeValue(v) || occ.line.ini.problems.length) return;
  const name = v.text.toLowerCase();
  if ((SERIALIZE_HANDLERS as readonly string[]).includes(name)) return;
  const guess = name === 'json' || name === 'serialize' ? 'php_serialize' : nearest(name, SERIALIZE_HANDLERS, 3);
  ctx.report(
    finding(
      'unknown-serialize-handler',
      lineSpan(occ.line, v.span),
      `"${v.text}" is not a session serializer ("Cannot find session serialization handler")${guess ? `: did you mean "${guess}"?` : '.'} Valid: ${SERIALIZE_HANDLERS.join(', ')}.`,
      guess ? [valueFix(occ.line, occ, guess, `Replace with "${guess}"`)] : [],
    ),
  );
}

const TEMPLATE: Record<string, string> = {
  redis: "session.save_path = 'tcp://host:port?auth=password&timeout=2.5'",
  rediscluster: "session.save_path = 'seed[]=host:port&timeout=2.5&auth=password'",
};

function checkPathFits(ctx: RuleContext, handlerOcc: Occurrence | undefined, handler: string | undefined): void {
  const pathOcc = effective(ctx.config, 'session.save_path');
  const path = pathOcc?.value ? maskEnv(pathOcc.value)?.text : undefined;
  if (handler === 'redis' || handler === 'rediscluster') {
    const hv = handlerOcc!.value!;
    // A path of separators only (`','`) gives phpredis no server at all: the same failure.
    const blank = path !== undefined && splitSavePath(path).length === 0;
    if (!pathOcc || blank) {
      const fixes: Fix[] = [];
      if (!pathOcc)
        fixes.push(fix('Add a session.save_path line', [handlerOcc!.line.insertAfter(TEMPLATE[handler])], false));
      else if (pathOcc.value)
        fixes.push(
          fix(
            'Fill in a save_path template',
            [
              lineEdit(
                pathOcc.line,
                pathOcc.value.span.start,
                pathOcc.value.span.end,
                TEMPLATE[handler].split(' = ')[1],
              ),
            ],
            false,
          ),
        );
      const where = pathOcc?.value ? lineSpan(pathOcc.line, pathOcc.value.span) : lineSpan(handlerOcc!.line, hv.span);
      ctx.report(
        finding(
          'missing-save-path',
          where,
          `session.save_handler = ${handler} needs a session.save_path (PHP otherwise fails: "Failed to initialize storage module: ${handler} (path: )").`,
          fixes,
        ),
      );
      return;
    }
  }
  if (path === undefined || !pathOcc?.value) return;
  const kind = pathKind(path);
  let want: string | undefined;
  if (handler === 'redis' && kind === 'cluster') want = 'rediscluster';
  else if (handler === 'rediscluster' && (kind === 'url' || kind === 'socket')) want = 'redis';
  else if (handler === 'redis' && kind === 'directory') want = 'files';
  else if (
    (handler === 'files' || handler === undefined) &&
    (kind === 'url' || kind === 'cluster' || kind === 'socket')
  )
    want = kind === 'cluster' ? 'rediscluster' : 'redis';
  if (!want) return;
  const pathWhere = lineSpan(pathOcc.line, pathOcc.value.span);
  const explain = `session.save_path is written for the ${want} handler`;
  if (handlerOcc?.value) {
    ctx.report(
      finding(
        'handler-path-mismatch',
        lineSpan(handlerOcc.line, handlerOcc.value.span),
        `${explain}, but session.save_handler is ${handler}.`,
        [valueFix(handlerOcc.line, handlerOcc, want, `Switch the handler to ${want}`)],
        [{ ...pathWhere, message: 'the save_path' }],
      ),
    );
  } else if (handler === undefined && (ctx.kind === 'composer' || ctx.kind === 'ini')) {
    // No handler at all: PHP keeps its default, files, and treats the URL as a directory. A line
    // added below a quote that runs on would be read as part of the value: that quote is fixed first.
    const runsOn = pathOcc.line.ini.problems.some((p) => p.kind === 'multiline-quote' || p.kind === 'unclosed-quote');
    ctx.report(
      finding(
        'handler-path-mismatch',
        pathWhere,
        `${explain}, but no session.save_handler is set, so PHP uses "files".`,
        runsOn
          ? []
          : [fix(`Add session.save_handler = ${want}`, [pathOcc.line.insertAfter(`session.save_handler = ${want}`)])],
      ),
    );
  }
}

export const handlerRules: Rule = (ctx) => {
  const handlerOcc = effective(ctx.config, 'session.save_handler');
  if (handlerOcc) checkSaveHandler(ctx, handlerOcc);
  const serializer = effective(ctx.config, 'session.serialize_handler');
  if (serializer) checkSerializer(ctx, serializer);
  const handler = handlerName(handlerOcc);
  if (handlerOcc && handler === undefined) return; // ${VAR}: unknown until runtime
  checkPathFits(ctx, handlerOcc, handler);
};
