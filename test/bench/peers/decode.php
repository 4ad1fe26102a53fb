<?php
// The reference of `php-redis-sessions decode`: PHP's own decoder + json_encode() of a session
// value read from stdin, stored with the serialize_handler given as the first argument
// (php_serialize by default).
$bytes = stream_get_contents(STDIN);
$flags = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR;
switch ($argv[1] ?? 'php_serialize') {
    case 'igbinary':
        $value = igbinary_unserialize($bytes);
        break;
    case 'msgpack':
        $value = msgpack_unserialize($bytes);
        break;
    case 'php':
        // session_decode() needs an active session; nothing is read or written.
        ini_set('session.use_cookies', '0');
        ini_set('session.cache_limiter', '');
        ini_set('session.save_handler', 'files');
        ini_set('session.save_path', sys_get_temp_dir());
        session_id('decode');
        session_start();
        session_decode($bytes);
        $value = $_SESSION;
        session_abort();
        break;
    default:
        $value = unserialize($bytes);
}
echo json_encode($value, $flags), "\n";
