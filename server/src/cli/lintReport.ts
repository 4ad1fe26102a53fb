// The lint command's output formats: stylish (people), json (scripts), sarif (code scanning).
import { RULE_IDS, RULES } from '../core/rules/catalogue.ts';
import type { Finding } from '../core/types.ts';
import { HOMEPAGE_URL, ruleHref } from '../protocol.ts';

export interface FileReport {
  path: string;
  text: string;
  findings: Finding[];
}

export interface LineCol {
  line: number;
  column: number;
}

/** 1-based line and column (UTF-16 code units, as SARIF's default columnKind). */
export function lineColumn(text: string, offset: number): LineCol {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function counts(reports: FileReport[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of reports) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
    }
  }
  return { errors, warnings, infos };
}

export function stylish(reports: FileReport[], color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const r of reports) {
    if (r.findings.length === 0) continue;
    out.push(paint('4', r.path));
    const rows = r.findings.map((f) => {
      const { line, column } = lineColumn(r.text, f.start);
      const sev =
        f.severity === 'error'
          ? paint('31', 'error')
          : f.severity === 'warning'
            ? paint('33', 'warning')
            : paint('36', f.severity === 'information' ? 'info' : 'hint');
      return { pos: `${line}:${column}`, sev, raw: f.severity.length, message: f.message, rule: f.rule };
    });
    const posWidth = Math.max(...rows.map((x) => x.pos.length));
    for (const row of rows)
      out.push(`  ${row.pos.padEnd(posWidth)}  ${row.sev}  ${row.message}  ${paint('2', row.rule)}`);
    out.push('');
  }
  const { errors, warnings, infos } = counts(reports);
  const total = errors + warnings + infos;
  if (total === 0) return '';
  out.push(
    paint(
      errors ? '31' : '33',
      `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info)`,
    ),
  );
  return out.join('\n') + '\n';
}

export function json(reports: FileReport[]): string {
  return (
    JSON.stringify(
      reports.map((r) => ({
        filePath: r.path,
        errorCount: r.findings.filter((f) => f.severity === 'error').length,
        warningCount: r.findings.filter((f) => f.severity === 'warning').length,
        messages: r.findings.map((f) => {
          const s = lineColumn(r.text, f.start);
          const e = lineColumn(r.text, f.end);
          return {
            ruleId: f.rule,
            severity: f.severity,
            message: f.message,
            line: s.line,
            column: s.column,
            endLine: e.line,
            endColumn: e.column,
            fixable: f.fixes.some((x) => x.safe),
          };
        }),
      })),
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

export function sarif(reports: FileReport[], version: string, toUri: (path: string) => string): string {
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.summary.replace(/`/g, '') },
    helpUri: ruleHref(rule.id),
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
  }));
  const results = reports.flatMap((r) =>
    r.findings.map((f) => {
      const s = lineColumn(r.text, f.start);
      const e = lineColumn(r.text, f.end);
      return {
        ruleId: f.rule,
        ruleIndex: RULE_IDS.indexOf(f.rule),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: toUri(r.path) },
              region: { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column },
            },
          },
        ],
      };
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'php-redis-sessions', version, informationUri: HOMEPAGE_URL, rules },
        },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
