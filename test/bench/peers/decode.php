<?php
// The reference of `php-redis-sessions decode`: PHP's own unserialize() + json_encode() of a
// php_serialize value read from stdin.
echo json_encode(unserialize(stream_get_contents(STDIN)), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
