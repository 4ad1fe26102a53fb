// Other phpredis session settings: locking without expiry, compression, gc_maxlifetime.
import { effective } from '../config.ts';
import { COMPRESSIONS } from '../directives.ts';
import { isRuntimeValue } from '../ini.ts';
import { finding, fix, lineSpan, type Rule } from '../ruleContext.ts';

export const otherRules: Rule = (ctx) => {
  const locking = effective(ctx.config, 'redis.session.locking_enabled');
  const lockOn = locking?.value && !isRuntimeValue(locking.value) && Number.parseInt(locking.value.text, 10) > 0;
  if (locking?.value && lockOn) {
    const expire = effective(ctx.config, 'redis.session.lock_expire');
    const expireValue = expire?.value ? Number.parseInt(expire.value.text, 10) || 0 : 0;
    if (!(expire?.value && isRuntimeValue(expire.value)) && expireValue <= 0) {
      ctx.report(
        finding(
          'lock-without-expire',
          lineSpan(locking.line, locking.value.span),
          'Session locking without redis.session.lock_expire: the lock lives as long as max_execution_time, and forever on CLI and workers (max_execution_time = 0). A crashed request then blocks the session.',
          expire
            ? []
            : [fix('Add redis.session.lock_expire = 30', [locking.line.insertAfter('redis.session.lock_expire = 30')])],
        ),
      );
    }
  }
  const compression = effective(ctx.config, 'redis.session.compression');
  if (compression?.value && !isRuntimeValue(compression.value)) {
    const v = compression.value.text.toLowerCase();
    if (v !== '' && !(COMPRESSIONS as readonly string[]).includes(v)) {
      ctx.report(
        finding(
          'invalid-compression',
          lineSpan(compression.line, compression.value.span),
          `redis.session.compression must be one of ${COMPRESSIONS.join(', ')}: phpredis ignores "${v}" ("outside of valid values, disabling").`,
        ),
      );
    }
  }
  const gc = effective(ctx.config, 'session.gc_maxlifetime');
  if (gc?.value && !isRuntimeValue(gc.value)) {
    const v = gc.value.text.trim();
    if (!/^\+?\d+$/.test(v) || Number(v) <= 0) {
      ctx.report(
        finding(
          'invalid-gc-maxlifetime',
          lineSpan(gc.line, gc.value.span),
          `session.gc_maxlifetime must be a whole number of seconds > 0 (it is each session key's TTL); "${v}" is not.`,
        ),
      );
    }
  }
};
