// The save_path of the `rediscluster` handler: a query string of seeds and options.
import { zvalGetDouble } from '../phpNumeric.ts';
import { maskCredentials } from '../mask.ts';
import { finding, fix } from '../ruleContext.ts';
import { parseClusterSavePath } from '../savePath.ts';
import {
  at,
  checkAuth,
  checkDuplicateParams,
  checkPersistent,
  checkPlus,
  checkUnknownParams,
  edit,
  lastParam,
  removeParamEdit,
  setValueEdit,
  valueSpanOf,
  type PathSite,
} from './params.ts';

const CLUSTER_KNOWN = ['seed', 'timeout', 'read_timeout', 'failover', 'persistent', 'prefix', 'auth', 'stream'];
const CLUSTER_IGNORED = ['database', 'weight', 'persistent_id', 'retry_interval'];

export function checkClusterPath(site: PathSite): void {
  const c = parseClusterSavePath(site.text);
  const whole = { start: 0, end: site.text.length };
  if (c.failure === 'no-seeds') {
    const plains = c.params.filter((p) => p.name === 'seed' && p.path.length === 0 && p.rawKey === 'seed');
    const plain = plains[0];
    site.ctx.report(
      finding(
        'cluster-missing-seeds',
        at(site, plain ? plain.keySpan : whole),
        plain
          ? 'The rediscluster handler reads seed[] (an array): "seed=" is ignored and the session fails to start.'
          : 'The rediscluster save_path needs seed[]=host:port entries (e.g. seed[]=10.0.0.1:7000&seed[]=10.0.0.2:7000); without them the session fails to start.',
        plains.length
          ? [
              fix(
                'Write seed[]=',
                plains.map((p) => edit(site, p.keySpan, 'seed[]')),
              ),
            ]
          : [],
      ),
    );
  }
  for (const seed of c.seeds) {
    if (!seed.param) continue;
    // phpredis only checks for a ':' ; a second one (h:p:1) or a port that is no number fails later.
    const hostPort = seed.value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    const badPort =
      seed.problem === null && (!/:\d{1,5}$/.test(hostPort) || (/:.*:/.test(hostPort) && !hostPort.startsWith('[')));
    if (!seed.problem && !badPort) continue;
    site.ctx.report(
      finding(
        'cluster-bad-seed',
        at(site, valueSpanOf(seed.param)),
        seed.problem === 'no-colon'
          ? `Seed "${maskCredentials(seed.value)}" is not host:port: phpredis ignores it ("not in host:port format").`
          : badPort
            ? `Seed "${maskCredentials(seed.value)}" has no usable port: write host:port.`
            : 'A seed must be a plain host:port string.',
      ),
    );
  }
  for (const name of ['timeout', 'read_timeout']) {
    const p = lastParam(c.params, name);
    if (!p || p.path.length) continue;
    const v = zvalGetDouble(p.value);
    if (v < 0) {
      site.ctx.report(
        finding(
          'invalid-timeout',
          at(site, p.span),
          `${name} is negative: phpredis refuses it ("Can't set negative timeout values in session configuration").`,
          [fix(`Write ${name}=2.5`, [setValueEdit(site, p, '2.5')])],
        ),
      );
    } else if (!/^\d+(\.\d*)?$|^\.\d+$/.test(p.value)) {
      site.ctx.report(
        finding(
          'invalid-param-value',
          at(site, p.span),
          `${name} "${p.value}" is read as ${v}: write a number of seconds.`,
        ),
      );
    }
  }
  for (const p of c.params) {
    if (!CLUSTER_IGNORED.includes(p.name)) continue;
    site.ctx.report(
      finding(
        'cluster-param-ignored',
        at(site, p.span),
        `The rediscluster handler does not support "${p.name}": it is ignored.`,
        [fix(`Remove ${p.name}`, [removeParamEdit(site, p)])],
      ),
    );
  }
  const failover = lastParam(c.params, 'failover');
  if (failover && !['none', 'error', 'distribute'].includes(failover.value.toLowerCase())) {
    site.ctx.report(
      finding(
        'invalid-param-value',
        at(site, failover.span),
        `failover must be none, error or distribute; "${failover.value}" means none.`,
      ),
    );
  }
  checkUnknownParams(site, c.params, [...CLUSTER_KNOWN, ...CLUSTER_IGNORED], 'rediscluster');
  checkDuplicateParams(site, c.params);
  checkPlus(site, c.params);
  checkPersistent(site, c.params);
  checkAuth(site, c.params, c.auth);
}
