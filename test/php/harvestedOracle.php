<?php
// The PHP side of harvested.test.ts. Reads a batch of harvested cases (JSON on stdin) and prints,
// for every payload to compare, how real PHP reads it: [case, label, bytes, reader, ok, json, reason,
// compressed]. A harvested *value* is first rebuilt from its serialize() form, then written with
// every serializer (serialize, igbinary_serialize, msgpack_serialize) and every session
// serialize_handler, each result read back by PHP; a harvested *payload* is read as it is.
// Classes: PHP's own classes are PHP's; every other class a payload names is defined on demand as
// a plain class (or a Serializable one, or an enum, as the harvested test declared it), since the
// decoder reads any application class as plain data.
require __DIR__ . '/../helpers/phpCanonical.php';

ini_set('display_errors', 'stderr');
ini_set('error_reporting', (string)(E_ALL & ~E_DEPRECATED));
$input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
// lowercased class name → ['serializable'], ['unserialize'] or ['enum', [case, …]]; else plain.
$CLASSES = $input['classes'];

#[AllowDynamicProperties]
abstract class HarvestPlain {}

#[AllowDynamicProperties]
abstract class HarvestSerializable implements Serializable {
    public static ?WeakMap $payloads = null;
    public function serialize() { return self::$payloads[$this] ?? null; }
    public function unserialize($data) { self::$payloads ??= new WeakMap(); self::$payloads[$this] = $data; }
}
function cj_serializable_payload(object $o): ?string {
    return $o instanceof HarvestSerializable ? (HarvestSerializable::$payloads[$o] ?? null) : null;
}

/** A class whose __serialize() data came back through __unserialize(): it keeps that data. */
#[AllowDynamicProperties]
abstract class HarvestUnserialize {
    public static ?WeakMap $data = null;
    public function __serialize(): array { return self::$data[$this] ?? []; }
    public function __unserialize(array $data): void { self::$data ??= new WeakMap(); self::$data[$this] = $data; }
}

spl_autoload_register(function (string $name) use ($CLASSES): void {
    $pos = strrpos($name, '\\');
    $ns = $pos === false ? '' : substr($name, 0, $pos);
    $short = $pos === false ? $name : substr($name, $pos + 1);
    $ident = '/^[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*$/';
    if (!preg_match($ident, $short) || ($ns !== '' && !preg_match('/^(' . substr($ident, 2, -2) . ')(\\\\(?1))*$/', $ns))) return;
    $kind = $CLASSES[strtolower($name)] ?? ['plain'];
    if ($kind[0] === 'enum') {
        $body = "enum $short { " . implode(' ', array_map(fn ($c) => "case $c;", $kind[1])) . ' }';
    } else {
        $base = ['serializable' => 'HarvestSerializable', 'unserialize' => 'HarvestUnserialize'][$kind[0]] ?? 'HarvestPlain';
        $body = "class $short extends \\$base {}";
    }
    try {
        eval(($ns !== '' ? "namespace $ns; " : '') . $body);
    } catch (Throwable) {
        // a reserved word: PHP then reads the payload as __PHP_Incomplete_Class
    }
});

// Sessions are decoded, never stored: a handler that keeps nothing.
session_set_save_handler(new class implements SessionHandlerInterface {
    public function open($path, $name): bool { return true; }
    public function close(): bool { return true; }
    public function read($id): string|false { return ''; }
    public function write($id, $data): bool { return true; }
    public function destroy($id): bool { return true; }
    public function gc($max): int|false { return 0; }
});
/**
 * PHP's view of a serialize() payload as a variable: unserialize() hands back a copy of the root,
 * so a reference back to it (R:1) looks like a second array there, while PHP itself (var_dump,
 * $_SESSION) sees the cycle. Read as the variable of a php session, it is the same value.
 */
function as_variable(string $bytes): ?string {
    if (session_status() === PHP_SESSION_ACTIVE) return null;
    $handler = ini_get('session.serialize_handler');
    ini_set('session.serialize_handler', 'php');
    session_start();
    $_SESSION = [];
    $json = @session_decode("v|$bytes") ? json_decode(cj_session($_SESSION), true)[0][1] : null;
    session_abort();
    ini_set('session.serialize_handler', $handler);
    return $json;
}

/** The members of a php_serialize session whose root PHP references (R:1), as PHP sees them. */
function root_as_variable(string $bytes): string {
    $handler = ini_get('session.serialize_handler');
    session_abort();
    ini_set('session.serialize_handler', 'php');
    session_start();
    $_SESSION = [];
    session_decode("v|$bytes");
    $root = &$_SESSION['v'];
    $path = ['r' => [ReflectionReference::fromArrayElement($_SESSION, 'v')->getId() => true], 'o' => []];
    $parts = [];
    foreach (array_keys($root) as $k) $parts[] = [(string)$k, cj_member($root, $k, $path, 0)];
    session_abort();
    ini_set('session.serialize_handler', $handler);
    session_start();
    return json_encode($parts, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
}

/** Reads `$bytes` as `$reader` does: [ok, canonical JSON or null, PHP's words when it refused]. */
function oracle_read(string $reader, string $bytes): array {
    $errors = [];
    set_error_handler(function (int $no, string $msg) use (&$errors): bool {
        if ($no & (E_WARNING | E_NOTICE | E_USER_WARNING | E_USER_NOTICE)) $errors[] = $msg;
        return true;
    });
    $ok = false;
    $json = null;
    $GLOBALS['CJ_DROP_PAYLOAD_NUL'] = str_ends_with($reader, 'msgpack');
    try {
        switch ($reader) {
            case 'php':
                $v = unserialize($bytes);
                $ok = !array_filter($errors, fn ($e) => str_starts_with($e, 'unserialize(): Error at offset'));
                break;
            case 'igbinary':
                $v = igbinary_unserialize($bytes);
                $ok = $bytes !== '' && !($v === null && $errors);
                break;
            case 'msgpack':
                $v = msgpack_unserialize($bytes);
                $ok = $bytes !== '' && !array_filter($errors, fn ($e) => preg_match('/Parse error|Insufficient data|Memory error|Unknown result/', $e));
                break;
            default: // session:<handler>
                $_SESSION = [];
                try {
                    $ok = session_decode($bytes);
                    // R:1 in php_serialize makes $_SESSION a reference to itself, a state only
                    // var_dump() walks (array functions and writes fail): read it as a variable.
                    if ($ok) $json = gettype($_SESSION) === 'array' ? cj_session($_SESSION) : root_as_variable($bytes);
                } finally {
                    // A failed decode destroys the session: start it again for the next reading.
                    if (session_status() !== PHP_SESSION_ACTIVE) session_start();
                }
        }
        if ($ok && $reader === 'php' && str_contains($bytes, 'R:1;')) $json = as_variable($bytes);
        if ($ok && $json === null) $json = cj($v);
    } catch (Throwable $e) {
        // An array holding itself by value (hostile bytes only) defeats cj()'s cycle detection.
        if (str_starts_with($e->getMessage(), 'too deep')) return [false, null, 'SKIP: an array holding itself, not a reference'];
        $ok = false;
        $errors[] = $e->getMessage();
    } finally {
        restore_error_handler();
    }
    return [$ok, $ok ? $json : null, $ok ? null : (implode('; ', $errors) ?: 'refused')];
}

$HANDLERS = ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'];
// phpredis applies OPT_COMPRESSION only on a live connection: the test passes a redis-server's port.
$redis = new Redis();
$redis->connect('127.0.0.1', (int)$input['redisPort']);
$CODECS = ['lzf' => Redis::COMPRESSION_LZF, 'zstd' => Redis::COMPRESSION_ZSTD, 'lz4' => Redis::COMPRESSION_LZ4];

/** phpredis's compression envelopes of a stored session (what redis.session.compression would store). */
function compressed(string $bytes): array {
    global $redis, $CODECS;
    $out = [];
    foreach ($CODECS as $name => $codec) {
        $redis->setOption(Redis::OPT_COMPRESSION, $codec);
        $packed = $redis->_pack($bytes);
        if ($redis->_unpack($packed) !== $bytes) throw new RuntimeException("$name does not round-trip");
        $out[$name] = base64_encode($packed);
    }
    return $out;
}

$out = [];
// Some hostile payloads crash PHP itself (a segfault in an extension): each reading is announced on
// stderr first, and the test reruns the batch without the one that crashed, which PHP cannot read.
$crashed = array_flip($input['crashed'] ?? []);
$emit = function (int $case, string $label, string $bytes, string $reader, bool $compress = false) use (&$out, $crashed): void {
    $key = "$case|$label|$reader";
    if (isset($crashed[$key])) {
        $out[] = [$case, $label, base64_encode($bytes), $reader, false, null, 'PHP crashed reading it', null];
        return;
    }
    fwrite(STDERR, "@reading $key\n");
    [$ok, $json, $reason] = oracle_read($reader, $bytes);
    $out[] = [$case, $label, base64_encode($bytes), $reader, $ok, $json, $reason, $compress ? compressed($bytes) : null];
};

// Values are rebuilt once; sessions need one handler at a time (it cannot change while active).
/** Values PHP builds itself: nesting around each format's depth limit, and sizes past 65,535. */
function synthetic(string $what) {
    [$kind, $n] = explode(':', $what);
    if ($kind === 'range') return range(0, (int)$n);
    $v = 'leaf';
    for ($i = 0; $i < (int)$n; $i++) $v = [$v];
    return $v;
}

$values = [];
foreach ($input['cases'] as [$i, $op, $format, $data]) {
    $bytes = base64_decode($data);
    if ($format === 'synthetic') {
        $values[$i] = ['synthetic', synthetic($bytes)];
        foreach (['php' => 'serialize', 'igbinary' => 'igbinary_serialize', 'msgpack' => 'msgpack_serialize'] as $reader => $write) {
            $emit($i, "value:$reader", $write($values[$i][1]), $reader);
        }
        continue;
    }
    if ($op === 'payload') {
        if (in_array($format, ['php', 'igbinary', 'msgpack'], true)) $emit($i, 'payload', $bytes, $format);
        continue;
    }
    set_error_handler(fn () => true);
    try {
        $v = unserialize($bytes);
    } catch (Throwable) {
        $v = false;
    } finally {
        restore_error_handler();
    }
    if ($v === false && $bytes !== 'b:0;') continue; // its classes were PHP's own and refuse (e.g. not serializable)
    $values[$i] = [$format, $v];
    foreach (['php' => 'serialize', 'igbinary' => 'igbinary_serialize', 'msgpack' => 'msgpack_serialize'] as $reader => $write) {
        try {
            $written = @$write($v);
        } catch (Throwable) {
            continue;
        }
        if (is_string($written)) $emit($i, "value:$reader", $written, $reader);
    }
}

foreach ($HANDLERS as $handler) {
    ini_set('session.serialize_handler', $handler);
    session_id('harvest');
    session_start();
    foreach ($input['cases'] as [$i, $op, $format, $data]) {
        if ($op === 'payload') {
            $bytes = base64_decode($data);
            if ($format === "session:$handler") $emit($i, 'payload', $bytes, "session:$handler", true);
            // A serialize() payload is also one session variable of the php and php_binary formats.
            if ($format === 'php' && $handler === 'php') $emit($i, 'payload-in-session', "v|$bytes", 'session:php');
            if ($format === 'php' && $handler === 'php_binary') $emit($i, 'payload-in-session', "\x01v$bytes", 'session:php_binary');
            continue;
        }
        if (!isset($values[$i])) continue;
        [$format, $v] = $values[$i];
        $sessions = $format === 'session' ? ['whole' => $v] : ['v' => ['v' => $v]] + (is_array($v) ? ['whole' => $v] : []);
        foreach ($sessions as $shape => $session) {
            $_SESSION = $session;
            $encoded = @session_encode();
            if (!is_string($encoded)) continue;
            $emit($i, "session-$shape", $encoded, "session:$handler", true);
        }
    }
    session_abort();
}
echo json_encode($out, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
