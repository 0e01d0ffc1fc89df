<?php
// A template engine: each template is compiled once to PHP in the cache folder and then
// included from there; an export writes a temporary CSV, sends it and deletes it.
function render($name, array $vars) {
    $cache = __DIR__ . '/cache/' . md5($name) . '.php';
    if (!is_file($cache)) {
        $src = file_get_contents(__DIR__ . '/templates/' . basename($name) . '.tpl');
        $php = preg_replace('/\{\{\s*(\w+)\s*\}\}/', '<?php echo htmlspecialchars($$1); ?>', $src);
        file_put_contents($cache, $php, LOCK_EX);
    }
    extract($vars, EXTR_SKIP);
    include $cache;
}
function export_rows(array $rows) {
    $tmp = tempnam(sys_get_temp_dir(), 'csv');
    $fh = fopen($tmp, 'w');
    foreach ($rows as $row) { fputcsv($fh, $row); }
    fclose($fh);
    readfile($tmp);
    unlink($tmp);
}
