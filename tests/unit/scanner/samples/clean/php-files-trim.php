<?php
// maintenance page: strip the trailing whitespace of the theme's templates
foreach (glob(__DIR__ . '/templates/*.php') as $tpl) {
    $src = file_get_contents($tpl);
    $fixed = preg_replace('/[ \t]+$/m', '', $src);
    if ($fixed !== $src) {
        file_put_contents($tpl, $fixed);
        echo htmlspecialchars(basename($tpl)), " cleaned<br>\n";
    }
}
