<?php
// auto_prepend_file for one harvested .phpt run: the rewritten test calls these instead of PHP's
// serializers, so every value handed to a serializer and every payload handed to a reader is
// recorded. At shutdown the records, and the enums, Serializable classes and classes with an
// __unserialize() the test declared, go to $HARVEST_OUT as JSON.
$GLOBALS['__harvest'] = ['records' => [], 'enums' => [], 'serializable' => [], 'unserialize' => []];

function __harvest_record(string $op, string $format, $bytes): void
{
    if (!is_string($bytes) || strlen($bytes) > 1 << 20) return;
    $GLOBALS['__harvest']['records'][] = [$op, $format, base64_encode($bytes)];
}

/** A value is kept as PHP's own serialize() of it (taken when it is handed over). */
function __harvest_value(string $format, $value): void
{
    try {
        $s = \serialize($value);
    } catch (\Throwable $e) {
        return; // Closures, anonymous classes…: not storable, not a session value either
    }
    __harvest_record('value', $format, $s);
}

function __harvest_session_state(): void
{
    if (session_status() !== PHP_SESSION_ACTIVE) return;
    $handler = (string)ini_get('session.serialize_handler');
    $encoded = @\session_encode();
    if (is_string($encoded)) __harvest_record('payload', "session:$handler", $encoded);
    __harvest_value('session', $_SESSION ?? []);
}

function __harvest_serialize(...$a) { __harvest_value('php', $a[0] ?? null); $r = \serialize(...$a); __harvest_record('payload', 'php', $r); return $r; }
function __harvest_unserialize(...$a) { __harvest_record('payload', 'php', $a[0] ?? null); return \unserialize(...$a); }
function __harvest_igbinary_serialize(...$a) { __harvest_value('igbinary', $a[0] ?? null); $r = \igbinary_serialize(...$a); __harvest_record('payload', 'igbinary', $r); return $r; }
function __harvest_igbinary_unserialize(...$a) { __harvest_record('payload', 'igbinary', $a[0] ?? null); return \igbinary_unserialize(...$a); }
function __harvest_msgpack_serialize(...$a) { __harvest_value('msgpack', $a[0] ?? null); $r = \msgpack_serialize(...$a); __harvest_record('payload', 'msgpack', $r); return $r; }
function __harvest_msgpack_pack(...$a) { return __harvest_msgpack_serialize(...$a); }
function __harvest_msgpack_unserialize(...$a) { __harvest_record('payload', 'msgpack', $a[0] ?? null); return \msgpack_unserialize(...$a); }
function __harvest_msgpack_unpack(...$a) { return __harvest_msgpack_unserialize(...$a); }
function __harvest_session_encode(...$a) { $r = \session_encode(...$a); if (is_string($r)) { __harvest_record('payload', 'session:' . ini_get('session.serialize_handler'), $r); __harvest_value('session', $_SESSION ?? []); } return $r; }
function __harvest_session_decode(...$a) { __harvest_record('payload', 'session:' . ini_get('session.serialize_handler'), $a[0] ?? null); return \session_decode(...$a); }
function __harvest_session_write_close(...$a) { __harvest_session_state(); return \session_write_close(...$a); }
function __harvest_session_commit(...$a) { __harvest_session_state(); return \session_commit(...$a); }
function __harvest_session_destroy(...$a) { __harvest_session_state(); return \session_destroy(...$a); }
function __harvest_session_reset(...$a) { __harvest_session_state(); return \session_reset(...$a); }
function __harvest_session_abort(...$a) { __harvest_session_state(); return \session_abort(...$a); }

$GLOBALS['__harvest_builtin'] = array_flip(array_map('strtolower', get_declared_classes()));
register_shutdown_function(function (): void {
    __harvest_session_state();
    foreach (get_declared_classes() as $class) {
        if (isset($GLOBALS['__harvest_builtin'][strtolower($class)])) continue;
        if (enum_exists($class, false)) $GLOBALS['__harvest']['enums'][$class] = array_map(fn ($c) => $c->name, $class::cases());
        else {
            if (is_subclass_of($class, 'Serializable')) $GLOBALS['__harvest']['serializable'][] = $class;
            if (method_exists($class, '__unserialize')) $GLOBALS['__harvest']['unserialize'][] = $class;
        }
    }
    $out = getenv('HARVEST_OUT');
    if ($out) file_put_contents($out, json_encode($GLOBALS['__harvest']));
});
