<?php
// The decoder's canonical JSON, computed by PHP from the values PHP itself holds: the oracle the
// differential tests compare the decoder with. Scalars go through json_encode; the rest follows the
// rules the README documents (Session formats → canonical JSON).
const CJ_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION;
// Names (keys, classes) that are not UTF-8 get U+FFFD substitutes, like the decoder's keys.
const CJ_NAME_FLAGS = CJ_FLAGS | JSON_INVALID_UTF8_SUBSTITUTE;
// msgpack-php hands Serializable::unserialize() its payload plus the C string's NUL: undo that.
$CJ_DROP_PAYLOAD_NUL = false;
// Marks the session's root array while a session is printed: a PHP reference back to it is a cycle.
const CJ_ROOT_PROBE = "\0cj-root-probe\0";

function cj_string(string $s): string {
    if (preg_match('//u', $s) === 1) return json_encode($s, CJ_FLAGS);
    return '{"__binary":' . json_encode(base64_encode($s), CJ_FLAGS) . '}';
}
function cj_key($k): string {
    return json_encode((string)$k, CJ_NAME_FLAGS);
}
function cj_float(float $f): string {
    if (is_nan($f)) return '"NAN"';
    if (is_infinite($f)) return $f > 0 ? '"INF"' : '"-INF"';
    return json_encode($f, CJ_FLAGS);
}
// One member: a PHP reference already on the path is a cycle.
function cj_member(array $container, $k, array $path, int $depth): string {
    $rr = ReflectionReference::fromArrayElement($container, $k);
    if ($rr !== null) {
        $id = $rr->getId();
        if (isset($path['r'][$id])) return '{"__recursion":true}';
        $path['r'][$id] = true;
    }
    return cj($container[$k], $path, $depth + 1);
}
/**
 * zend_unmangle_property_name_ex(): [visibility, declaring class or null, name] of a property key
 * (`\0Class\0name` private, `\0*\0name` protected; anonymous class names hold a NUL of their own).
 */
function cj_unmangle(string $name): array {
    $len = strlen($name);
    if ($len >= 3 && $name[0] === "\0" && $name[1] !== "\0") {
        $cn = strcspn($name, "\0", 1, $len - 2);
        if ($cn < $len - 2 && $name[$cn + 1] === "\0") {
            $anon = strcspn($name, "\0", $cn + 2, $len - $cn - 2);
            if ($cn + $anon + 2 !== $len) $cn += $anon + 1;
            $class = substr($name, 1, $cn);
            return $class === '*' ? ['protected', null, substr($name, $cn + 2)] : ['private', $class, substr($name, $cn + 2)];
        }
    }
    return ['public', null, $name];
}
/**
 * The JSON names of an object's properties: the unmangled name, except where several properties
 * share it. Then the one `$this->name` means in the object's class keeps it (public, else
 * protected, else the class's own private) and every other is qualified: `Base::name` (private
 * of Base), `*::name` (protected).
 */
function cj_property_names(array $keys, string $class): array {
    $parts = [];
    $groups = [];
    foreach ($keys as $i => $k) {
        $parts[$i] = cj_unmangle((string)$k);
        $groups[$parts[$i][2]][] = $i;
    }
    $names = [];
    foreach ($groups as $name => $members) {
        if (count($members) === 1) {
            $names[$members[0]] = (string)$name;
            continue;
        }
        $rank = function (int $i) use ($parts, $class): int {
            [$vis, $decl] = $parts[$i];
            return $vis === 'public' ? 0 : ($vis === 'protected' ? 1 : (strcasecmp($decl, $class) === 0 ? 2 : 3));
        };
        $plain = $members[0];
        foreach ($members as $i) if ($rank($i) < $rank($plain)) $plain = $i;
        foreach ($members as $i) {
            [$vis, $decl] = $parts[$i];
            $names[$i] = $i === $plain ? (string)$name : ($vis === 'protected' ? '*' : $decl) . '::' . $name;
        }
    }
    return $names;
}
function cj($v, array $path = ['r' => [], 'o' => []], int $depth = 0): string {
    if ($depth > 5000) throw new RuntimeException('too deep: cycle not detected?');
    if ($v === null) return 'null';
    if (is_bool($v)) return $v ? 'true' : 'false';
    if (is_int($v)) return (string)$v;
    if (is_float($v)) return cj_float($v);
    if (is_string($v)) return cj_string($v);
    if (is_array($v)) {
        if ($depth > 0 && array_key_exists(CJ_ROOT_PROBE, $v)) return '{"__recursion":true}';
        unset($v[CJ_ROOT_PROBE]);
        if (count($v) === 0) return '[]';
        $list = array_is_list($v);
        $parts = [];
        foreach (array_keys($v) as $k) {
            $item = cj_member($v, $k, $path, $depth);
            $parts[] = $list ? $item : cj_key($k) . ':' . $item;
        }
        return $list ? '[' . implode(',', $parts) . ']' : '{' . implode(',', $parts) . '}';
    }
    if ($v instanceof UnitEnum) return '{"__enum":' . json_encode(get_class($v) . '::' . $v->name, CJ_NAME_FLAGS) . '}';
    $id = spl_object_id($v);
    if (isset($path['o'][$id])) return '{"__recursion":true}';
    $path['o'][$id] = true;
    $class = get_class($v);
    $payload = function_exists('cj_serializable_payload') ? cj_serializable_payload($v) : null;
    if ($v instanceof __PHP_Incomplete_Class) {
        // Calling any method on it throws: read the stored class name from the property table.
        $props = (array)$v;
        $class = $props['__PHP_Incomplete_Class_Name'] ?? '__PHP_Incomplete_Class';
        unset($props['__PHP_Incomplete_Class_Name']);
    } elseif ($payload !== null || ($v instanceof Serializable && !method_exists($v, '__serialize') && !function_exists('cj_serializable_payload'))) {
        $payload ??= $v->serialize();
        if ($GLOBALS['CJ_DROP_PAYLOAD_NUL'] && str_ends_with($payload, "\0")) $payload = substr($payload, 0, -1);
        return '{"__class":' . json_encode($class, CJ_NAME_FLAGS) . ',"__serialized":' . cj_string($payload) . '}';
    } else {
        $props = method_exists($v, '__serialize') ? $v->__serialize() : (array)$v;
    }
    $parts = ['"__class":' . json_encode($class, CJ_NAME_FLAGS)];
    $keys = array_keys($props);
    $names = cj_property_names($keys, $class);
    foreach ($keys as $i => $k) $parts[] = cj_key($names[$i]) . ':' . cj_member($props, $k, $path, $depth);
    return '{' . implode(',', $parts) . '}';
}
// A session as [[name, canonical JSON of its value], ...]: the JSON object is '{' . name:json, ... . '}'.
function cj_session(array &$s): string {
    $s[CJ_ROOT_PROBE] = true;
    $parts = [];
    try {
        foreach (array_keys($s) as $k) {
            if ($k === CJ_ROOT_PROBE) continue;
            $parts[] = [(string)$k, cj_member($s, $k, ['r' => [], 'o' => []], 0)];
        }
    } finally {
        unset($s[CJ_ROOT_PROBE]);
    }
    return json_encode($parts, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
}
