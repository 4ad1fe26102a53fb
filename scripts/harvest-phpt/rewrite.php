<?php
// Rewrites a test's PHP code so that calls to the serializers go to prelude.php's recorders:
// `serialize(` → `__harvest_serialize(`, with PHP's own tokenizer (methods, declarations and
// strings are left alone). Usage: php rewrite.php <in.php> <out.php>
const TARGETS = ['serialize', 'unserialize', 'igbinary_serialize', 'igbinary_unserialize', 'msgpack_serialize',
    'msgpack_pack', 'msgpack_unserialize', 'msgpack_unpack', 'session_encode', 'session_decode',
    'session_write_close', 'session_commit', 'session_destroy', 'session_reset', 'session_abort'];
[, $in, $out] = $argv;
$tokens = token_get_all(file_get_contents($in));
$skip = [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT];
$code = '';
$prev = null;
$n = count($tokens);
for ($i = 0; $i < $n; $i++) {
    $t = $tokens[$i];
    $text = is_array($t) ? $t[1] : $t;
    if (is_array($t) && ($t[0] === T_STRING || $t[0] === T_NAME_FULLY_QUALIFIED)) {
        $name = strtolower(ltrim($text, '\\'));
        $j = $i + 1;
        while ($j < $n && is_array($tokens[$j]) && in_array($tokens[$j][0], $skip, true)) $j++;
        $next = $tokens[$j] ?? null;
        $after = $prev === null || !is_array($prev) || !in_array($prev[0], [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR,
            T_DOUBLE_COLON, T_FUNCTION, T_NEW, T_CONST, T_USE], true);
        if (in_array($name, TARGETS, true) && $next === '(' && $after) $text = "__harvest_$name";
    }
    $code .= $text;
    if (!(is_array($t) && in_array($t[0], $skip, true))) $prev = $t;
}
file_put_contents($out, $code);
