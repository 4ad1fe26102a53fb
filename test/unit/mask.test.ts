// The one masker (server/src/core/mask.ts): every address form a password can be written in,
// passwords with every reserved character, the split of a password off an address for
// SecretStorage, and the error messages built from an address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { main } from '../../server/src/cli/main.ts';
import type { Io } from '../../server/src/cli/io.ts';
import { hasCredentials, maskCredentials, maskSecrets, splitPassword } from '../../server/src/core/mask.ts';
import { rawurlencode } from '../../server/src/core/phpUrl.ts';
import { redisUrlToSavePath } from '../../server/src/core/redisUrl.ts';
import { parseClusterSavePath, parseRedisSavePath } from '../../server/src/core/savePath.ts';
import { parseConnectionTargets } from '../../server/src/sessions/connectionTarget.ts';
import { joinedPieces, rng } from '../helpers/random.ts';

describe('maskCredentials: every address form', () => {
  const cases: [string, string][] = [
    // URL userinfo, with the reserved characters a pasted password holds: up to the last '@'.
    ['redis://u:p/w@host:6379/2', 'redis://u:***@host:6379/2'],
    ['redis://:p@ss@host', 'redis://:***@host'],
    ['redis://:p?ss#x@host:1', 'redis://:***@host:1'],
    ['rediss://alice:s3cr%40t@cache.example:6380/3', 'rediss://alice:***@cache.example:6380/3'],
    ['redis://secret@host', 'redis://***@host'],
    ['tcp://u:pw@h:6379?timeout=2', 'tcp://u:***@h:6379?timeout=2'],
    // A forgotten `@host`: what follows the colon is no port, it may be the password.
    ['redis://:s3cretPW', 'redis://:***'],
    ['redis://default:abc123', 'redis://default:***'],
    ['redis://h:6379', 'redis://h:6379'],
    ['tcp://[::1]:6379', 'tcp://[::1]:6379'],
    // phpredis's auth, every spelling PHP decodes to it.
    ['tcp://h:6379?auth=pw&timeout=2', 'tcp://h:6379?auth=***&timeout=2'],
    ['tcp://h?timeout=2&auth[]=alice&auth[]=pw', 'tcp://h?timeout=2&auth[]=***&auth[]=***'],
    ['tcp://h?auth%5B%5D=alice&auth%5b%5d=pw', 'tcp://h?auth%5B%5D=***&auth%5b%5d=***'],
    ['tcp://h?auth[user]=alice&auth[pass]=pw', 'tcp://h?auth[user]=***&auth[pass]=***'],
    ['tcp://h?%61uth=pw', 'tcp://h?%61uth=***'],
    ['tls://h?stream[passphrase]=pp&stream[verify_peer]=0', 'tls://h?stream[passphrase]=***&stream[verify_peer]=0'],
    // The keys other clients use (phpredis ignores them, the user still wrote a password).
    ['tcp://h?password=a&pass=b&pwd=c&passwd=d', 'tcp://h?password=***&pass=***&pwd=***&passwd=***'],
    ['redis://h:1?password=pw', 'redis://h:1?password=***'],
    // `&` or spaces inside a password: PHP splits there, the rest is still the password.
    ['tcp://h?auth=p&ss&timeout=1', 'tcp://h?auth=***&timeout=1'],
    ['tcp://h?auth=my secret words', 'tcp://h?auth=***'],
    ['redis://:pass word@host:1', 'redis://:***@host:1'],
    // Several servers, separated by commas and/or spaces.
    ['tcp://a:1?auth=x, tcp://u:p@b:2 tcp://c:3?auth=y', 'tcp://a:1?auth=***, tcp://u:***@b:2 tcp://c:3?auth=***'],
    ['tcp://a:1?auth=x,tcp://b:2?auth=y', 'tcp://a:1?auth=***,tcp://b:2?auth=***'],
    // rediscluster seed lists.
    ['seed[]=h:7000&seed[]=h:7001&auth=pw', 'seed[]=h:7000&seed[]=h:7001&auth=***'],
    ['auth[]=alice&auth[]=pw&seed[]=h:7000', 'auth[]=***&auth[]=***&seed[]=h:7000'],
    ['seed[]=u:p@h:1&seed[]=tls://u:p@h2:2', 'seed[]=u:***@h:1&seed[]=tls://u:***@h2:2'],
    // No scheme at all.
    ['u:pw@h:1?timeout=2', 'u:***@h:1?timeout=2'],
    ['auth=pw', 'auth=***'],
    // Quoted inside a message.
    ['The Redis URL has no host: redis://:s3cretPW@/', 'The Redis URL has no host: redis://:***@/'],
    // Nothing to hide.
    ['connect ECONNREFUSED 127.0.0.1:6379', 'connect ECONNREFUSED 127.0.0.1:6379'],
    ['unix:///run/redis.sock?database=2', 'unix:///run/redis.sock?database=2'],
    ['Redis at redis://h:6379.', 'Redis at redis://h:6379.'],
    ['not a url', 'not a url'],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => {
      assert.equal(maskCredentials(input), expected);
      assert.equal(hasCredentials(input), input !== expected);
      // Masking twice changes nothing more.
      assert.equal(maskCredentials(expected), expected);
    });
  }
});

/** A password with a distinctive core, surrounded by the characters that break naive maskers. */
function passwords(n: number, seed: number): string[] {
  // Not `scheme://` after a space, comma or `=`, nor `&timeout=`…: those read as the next server
  // or parameter (for PHP too), nothing tells them apart from one.
  const tricky = [...'/?#@:&=+%, ;[]!*\'()$"<>\\^`{|}~'].concat(['é', '€', '%41', '%zz', 'auth=', '\t']);
  const around = joinedPieces(tricky.concat(['a', 'Z', '0']), 2 * n, seed, 4, 0);
  return Array.from({ length: n }, (_, i) => `${around[2 * i]}Core${i}X${around[2 * i + 1]}`);
}
const core = (pw: string): string => /Core\d+X/.exec(pw)![0];

/** Address forms, each with the password written as a person would write it there. */
const FORMS: { name: string; address: (pw: string) => string; phpPassword?: (address: string) => string | null }[] = [
  { name: 'redis:// userinfo, raw', address: (pw) => `redis://:${pw}@cache.example:6380/2` },
  { name: 'redis:// user:password, raw', address: (pw) => `rediss://alice:${pw}@cache.example:6380` },
  { name: 'redis:// userinfo, encoded', address: (pw) => `redis://:${encodeURIComponent(pw)}@h:1` },
  { name: 'redis:// lone userinfo, encoded', address: (pw) => `redis://${encodeURIComponent(pw)}@h:1` },
  { name: 'redis:// ?password=', address: (pw) => `redis://h:1?password=${encodeURIComponent(pw)}` },
  {
    name: 'save_path auth=',
    address: (pw) => `tcp://h:6379?auth=${rawurlencode(pw)}&timeout=2`,
    phpPassword: (a) => redisAuth(a),
  },
  {
    name: 'save_path auth[]= user and password',
    address: (pw) => `tls://h:6379?auth[]=alice&auth[]=${rawurlencode(pw)}`,
    phpPassword: (a) => redisAuth(a),
  },
  {
    name: 'save_path auth%5B%5D=',
    address: (pw) => `tcp://h:6379?timeout=1&auth%5B%5D=${rawurlencode(pw)}`,
    phpPassword: (a) => redisAuth(a),
  },
  {
    name: 'save_path auth[pass]=',
    address: (pw) => `tcp://h?auth[user]=alice&auth[pass]=${rawurlencode(pw)}`,
    phpPassword: (a) => redisAuth(a),
  },
  {
    name: 'second server of a save_path',
    address: (pw) => `tcp://a:1?auth=x, tcp://b:2?weight=2&auth=${rawurlencode(pw)} tcp://c:3`,
  },
  {
    name: 'rediscluster seeds',
    address: (pw) => `seed[]=h:7000&seed[]=h:7001&auth=${rawurlencode(pw)}&timeout=2`,
    phpPassword: (a) => {
      const auth = parseClusterSavePath(a).auth;
      return auth.kind === 'password' || auth.kind === 'user-password' ? auth.password : null;
    },
  },
  { name: 'save_path auth=, raw (unencoded)', address: (pw) => `tcp://h:6379?auth=${pw}` },
  { name: 'userinfo on a tcp:// URL, raw', address: (pw) => `tcp://u:${pw}@h:6379?timeout=2` },
  { name: 'a forgotten @host', address: (pw) => `redis://default:${pw}` },
];

function redisAuth(address: string): string | null {
  const servers = parseRedisSavePath(address).servers;
  const auth = servers[servers.length - 1]?.settings.auth;
  return auth && (auth.kind === 'password' || auth.kind === 'user-password') ? auth.password : null;
}

describe('maskCredentials: generated passwords in every form', () => {
  // MASK_SEED=n tries other passwords (worth a loop of seeds after changing the masker).
  const pws = passwords(400, Number(process.env.MASK_SEED ?? 7));
  for (const form of FORMS) {
    test(form.name, () => {
      for (const pw of pws) {
        // The forgotten-@host form is recognisable only when what follows the colon is no port.
        // (and when no space cuts it off the URL: nothing then tells the rest is not prose)
        if (form.name === 'a forgotten @host' && /[@/?#&\s]/.test(pw.slice(0, pw.indexOf('Core')))) continue;
        const address = form.address(pw);
        // The form really carries this password, as phpredis reads it.
        if (form.phpPassword) assert.equal(form.phpPassword(address), pw, address);
        const masked = maskCredentials(address);
        assert.ok(!masked.includes(core(pw)), `${address}\n→ ${masked}`);
        assert.ok(hasCredentials(address), address);
      }
    });
  }
});

describe('splitPassword: what goes to SecretStorage', () => {
  test('the address and the password connect exactly as the original address', () => {
    const pws = passwords(300, 11).filter((pw) => !/\s/.test(pw));
    let split = 0;
    for (const pw of pws) {
      for (const address of [
        `redis://:${encodeURIComponent(pw)}@h.example:6380/2`,
        `redis://default:${encodeURIComponent(pw)}@h.example:6380`,
        `redis://${encodeURIComponent(pw)}@h.example`,
        `tcp://h.example:6379?auth=${rawurlencode(pw)}&database=2`,
        `tcp://h.example:6379?timeout=2&auth=${rawurlencode(pw)}`,
        `seed[]=h:7000&auth=${rawurlencode(pw)}`,
      ]) {
        const s = splitPassword(address);
        assert.equal(s.password, pw, address);
        assert.ok(!s.address.includes(core(pw)), s.address);
        assert.equal(hasCredentials(s.address), false, s.address);
        assert.deepEqual(
          parseConnectionTargets(s.address, { env: {}, password: s.password! }),
          parseConnectionTargets(address, { env: {} }),
          address,
        );
        split++;
      }
    }
    assert.ok(split > 1000, `${split} addresses split`);
  });

  test('addresses whose credentials do not split off come back whole, and say so', () => {
    for (const address of [
      'redis://alice:pw@h:1', // an ACL user: the pair must stay together
      'tcp://h?auth[]=alice&auth[]=pw',
      'tcp://h?auth=a&auth=b',
      'tcp://a:1?auth=x, tcp://b:2',
      'tcp://u:pw@h:1',
      'redis://:p/w@h', // not a URL the connection parser reads: kept as typed
      'tcp://h?auth=x#frag',
    ]) {
      assert.deepEqual(splitPassword(address), { address }, address);
      assert.ok(hasCredentials(address), address);
    }
    assert.deepEqual(splitPassword('redis://h:1?x=a@b'), { address: 'redis://h:1?x=a@b' });
    assert.deepEqual(splitPassword('tcp://h:6379?timeout=2'), { address: 'tcp://h:6379?timeout=2' });
    assert.deepEqual(splitPassword('redis://:@h'), { address: 'redis://h' });
  });
});

test('maskSecrets: a known secret and its URL-encoded forms', () => {
  const pw = "p@ss w/rd!'é";
  const text = `x ${pw} ${encodeURIComponent(pw)} ${rawurlencode(pw)} y`;
  assert.equal(maskSecrets(text, [pw]), 'x *** *** *** y');
  assert.equal(maskSecrets('a ab abc', ['ab']), 'a ab abc', 'two characters are too short to mask');
});

describe('no error message carries the password', () => {
  // Malformed addresses, as they get pasted: each must be refused without repeating the password.
  const BROKEN: ((pw: string) => string)[] = [
    (pw) => `redis://:${pw}@/`,
    (pw) => `redis://:${pw}@`,
    (pw) => `redis://:${pw}@h:notaport`,
    (pw) => `redis://:${pw}@h:1/notadb`,
    (pw) => `redis://:${pw}@h:99999999`,
    (pw) => `rediss://:${pw}@[::1`,
    (pw) => `redis://default:${pw}`,
    (pw) => `unix://:${pw}@relative/path`,
    (pw) => `http://:${pw}@h`,
    (pw) => pw,
    (pw) => `tcp://h:notaport?auth=${pw}`,
    (pw) => `tcp://h?auth=${pw} tcp://:1`,
    (pw) => `seed[]=nope&auth=${pw}`,
  ];
  const pws = passwords(120, 23);

  function messages(input: string): string[] {
    const out: string[] = [];
    for (const run of [() => redisUrlToSavePath(input), () => parseConnectionTargets(input, { env: {} })]) {
      try {
        run();
      } catch (err) {
        out.push(`${(err as Error).message}\n${(err as Error).stack ?? ''}`);
      }
    }
    return out;
  }

  test('redisUrlToSavePath (Convert a Redis URL…, Fill from Redis URL…) and parseConnectionTargets', () => {
    let checked = 0;
    for (const pw of pws) {
      for (const broken of BROKEN) {
        const input = broken(pw);
        for (const m of messages(input)) {
          assert.ok(!m.includes(core(pw)), `${input}\n→ ${m}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 1500, `${checked} messages checked`);
  });

  test('the issue\'s example: "redis://:s3cretPW@/"', () => {
    assert.throws(
      () => redisUrlToSavePath('redis://:s3cretPW@/'),
      (err: Error) => /has no host/.test(err.message) && !err.message.includes('s3cretPW'),
    );
  });

  test('the CLI, for addresses it refuses before connecting', async () => {
    const r = rng(5);
    let checked = 0;
    for (const pw of pws.filter(() => r() < 0.3)) {
      for (const broken of BROKEN) {
        const input = broken(pw);
        try {
          parseConnectionTargets(input, { env: {} });
          continue; // parses: the CLI would connect (the redis layer covers that path)
        } catch {
          // refused before any connection
        }
        let out = '';
        const io: Io = {
          stdout: (t) => void (out += t),
          stdoutBytes: () => undefined,
          stderr: (t) => void (out += t),
          cwd: process.cwd(),
          env: {},
          color: false,
          readStdin: async () => Buffer.alloc(0),
        };
        for (const args of [
          ['sessions', input],
          ['show', input, 'abc'],
        ]) {
          const code = await main(args, io);
          assert.equal(code, 2, `${args.join(' ')}\n${out}`);
          assert.ok(!out.includes(core(pw)), `${args.join(' ')}\n→ ${out}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `${checked} CLI runs checked`);
  });
});
