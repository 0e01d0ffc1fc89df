<?php
// developer tool: enable the profiler for this site (writes its fixed loader)
$loader = __DIR__ . '/profiler/header.php';
$code = "<?php\nrequire_once '" . addslashes(__DIR__) . "/profiler/vendor/autoload.php';\nProfiler::start();\n";
if (php_sapi_name() === 'cli' && ($argv[1] ?? '') === 'enable') {
    file_put_contents($loader, $code);
    file_put_contents(__DIR__ . '/.htaccess', "php_value auto_prepend_file " . $loader . "\n", FILE_APPEND);
    echo "profiler enabled\n";
}
