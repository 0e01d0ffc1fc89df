<?php
// A template engine's cache: a template compiled by the engine is written under a joined
// cache path and included from there; an update archive is downloaded next to it, and
// only the engine's own version file is included.
function compile_template($src)
{
    return preg_replace('/\{\{\s*(\w+)\s*\}\}/', '<?php echo htmlspecialchars($$1); ?>', $src);
}
$cacheDir = __DIR__ . '/cache';
$key = md5('page.tpl');
$code = compile_template(file_get_contents(__DIR__ . '/page.tpl'));
file_put_contents($cacheDir . '/' . $key . '.php', $code);
include $cacheDir . '/' . $key . '.php';
$zip = 'engine-update.zip';
file_put_contents($cacheDir . '/' . $zip, file_get_contents('https://updates.example.org/engine.zip'));
include $cacheDir . '/' . 'version.php';
