// The session health report (a webview). Imported statically: a lazy import() of it would make
// esbuild wrap the decoder it shares with the tree in lazy initialisers, which costs more at
// activation than evaluating these few declarations.
import { ReportPanel } from '../report/reportPanel.ts';
import type { Cmd, CommandContext } from './context.ts';

export function showReport(ctx: CommandContext): Cmd {
  let panel: ReportPanel | undefined;
  return async (n?: unknown) => {
    panel ??= new ReportPanel(ctx);
    await panel.show(n);
  };
}
