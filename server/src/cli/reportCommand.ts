// `php-redis-sessions report URL [--json] [--sample N]`: the sessions' health, read-only.
import type { SessionCompression } from '../sessions/compression.ts';
import { parseConnectionTargets } from '../sessions/connectionTarget.ts';
import { HealthReportBuilder } from '../sessions/report/healthReport.ts';
import { formatHealthReport } from '../sessions/report/reportText.ts';
import { scanInto } from '../sessions/report/healthScan.ts';
import type { SessionSerializer } from '../sessions/sessionFormats.ts';
import type { FrameworkChoice } from '../sessions/sessionLayout.ts';
import { UsageError, type Io } from './io.ts';
import { layoutScanner } from './sessionsCommands.ts';

export interface ReportArgs {
  target: string;
  json: boolean;
  sample?: number;
  gcMaxlifetime?: number;
  lockExpire?: number;
  serializer?: SessionSerializer;
  compression?: SessionCompression;
  prefix?: string;
  framework?: FrameworkChoice;
}

function positiveInt(v: number | undefined, flag: string): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UsageError(`${flag} wants a whole number ≥ 1`);
}

export async function reportCommand(args: ReportArgs, io: Io): Promise<number> {
  if (!args.target) throw new UsageError('give a Redis URL (redis://…) or a session.save_path');
  positiveInt(args.sample, '--sample');
  positiveInt(args.gcMaxlifetime, '--gc-maxlifetime');
  positiveInt(args.lockExpire, '--lock-expire');
  const targets = parseConnectionTargets(args.target, {
    env: io.env,
    ...(args.prefix !== undefined ? { prefix: args.prefix } : {}),
  });
  const builder = new HealthReportBuilder({
    gcMaxlifetime: args.gcMaxlifetime ?? 1440,
    ...(args.lockExpire !== undefined ? { lockExpire: args.lockExpire } : {}),
    ...(args.serializer ? { serializer: args.serializer } : {}),
  });
  let keyspaceKeys = 0;
  let stopped = false;
  let sessions = 0;
  for (const target of targets) {
    const scanner = await layoutScanner(target, args, io);
    try {
      const left = args.sample === undefined ? undefined : args.sample - sessions;
      if (left !== undefined && left <= 0) {
        stopped = true;
        break;
      }
      const r = await scanInto(scanner, builder, {
        ...(left !== undefined ? { sample: left } : {}),
        decode: { serializer: args.serializer, compression: args.compression },
        onProgress: (seen) => {
          if (!args.json && io.color) io.stderr(`\rscanned ${seen} keys…`);
        },
      });
      keyspaceKeys += r.keyspaceKeys;
      sessions += r.sessions;
      stopped ||= r.stopped;
    } finally {
      scanner.close();
    }
  }
  if (!args.json && io.color) io.stderr('\r\x1b[K');
  const report = builder.finish(stopped);
  if (args.json) io.stdout(JSON.stringify({ ...report, keyspaceKeys }, null, 2) + '\n');
  else io.stdout(formatHealthReport(report) + `Keys in the database: ${keyspaceKeys}\n`);
  return 0;
}
