// The session health report (a webview): its code loads on first use.
import type { ReportPanel } from '../report/reportPanel.ts';
import type { Cmd, CommandContext } from './context.ts';

export function showReport(ctx: CommandContext): Cmd {
  let panel: ReportPanel | undefined;
  return async (n?: unknown) => {
    panel ??= new (await import('../report/reportPanel.ts')).ReportPanel(ctx);
    await panel.show(n);
  };
}
