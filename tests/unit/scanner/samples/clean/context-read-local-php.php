<?php
// test fixture: a build step that reads a local template through a stream context (no
// http options) and writes the generated PHP class
$ctx = stream_context_create(['file' => ['encoding' => 'utf-8']]);
$tpl = $argv[1] ?? __DIR__ . '/templates/model.tpl';
$src = file_get_contents($tpl, false, $ctx);
$class = str_replace('{{name}}', 'Invoice', $src);
file_put_contents(__DIR__ . '/generated/Invoice.php', $class);
