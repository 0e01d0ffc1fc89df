<?php
// a template engine's build step: each template compiled into the cache keeps the template's
// time (the cache is rebuilt when the template changes) and is shipped read-only
foreach (glob(__DIR__ . '/templates/*.tpl') as $tpl) {
    $out = __DIR__ . '/compiled/' . basename($tpl, '.tpl') . '.php';
    file_put_contents($out, compile_template(file_get_contents($tpl)));
    touch($out, filemtime($tpl));
    chmod($out, 0444);
}
