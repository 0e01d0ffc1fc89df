<?php
// Tools that read values back through a temporary PHP file and remove it: a worker's
// results exported with var_export, and a language file edited and loaded once.
function save_results($file, array $results) {
    $out = '<' . '?php $results = ' . var_export($results, true) . ';';
    file_put_contents($file, $out);
}
function load_results($file) {
    include $file;
    unlink($file);
    return $results;
}
function refresh_language($file) {
    $code = file_get_contents($file);
    $code = preg_replace('/^setlocale.*$/m', '', $code);
    $tmp = $file . '.tmp';
    $fp = fopen($tmp, 'w');
    fwrite($fp, $code);
    fclose($fp);
    require_once($tmp);
    unlink($tmp);
}
