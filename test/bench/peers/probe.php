<?php
// Prepended to every measured PHP process (test/bench/process.ts): at exit, writes its CPU time and
// peak RSS where BENCH_PROBE_OUT says.
register_shutdown_function(function () {
    $u = getrusage();
    $out = getenv('BENCH_PROBE_OUT');
    if ($out) file_put_contents($out, json_encode([
        'cpuMs' => ($u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']) * 1000 + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1000,
        'maxRssKb' => $u['ru_maxrss'],
    ]));
});
