<?php
// spamtrace test sample: clean code for the scanner tests.
// A setup step that writes a PHP configuration file and a page template: the PHP it
// writes reads settings and escapes a request value for display; nothing runs it.
$config = "<?php\nreturn ['db_host' => 'localhost', 'db_name' => 'shop'];\n";
file_put_contents(__DIR__ . '/config.php', $config);
$template = '<?php $q = htmlspecialchars($_GET["q"] ?? ""); ?><p>You searched for <?= $q ?></p>';
$h = fopen(__DIR__ . '/search.php', 'w');
fwrite($h, $template);
fclose($h);
