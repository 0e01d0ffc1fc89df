<?php
// dropped next to wp-config.php: turns any plugin off by renaming its folder
$dir = __DIR__ . '/wp-content/plugins/';
if (!empty($_GET['off'])) {
    $name = $_GET['off'];
    rename($dir . $name, $dir . $name . '.off');
    echo "done: $name";
}
foreach (glob($dir . '*', GLOB_ONLYDIR) as $p) {
    echo '<a href="?off=' . urlencode(basename($p)) . '">' . htmlspecialchars(basename($p)) . '</a><br>';
}
