<?php
// help page of an installer: the commands are shown, not run
$steps = [
    'Download the installer: curl -o installer.php https://example.com/releases/installer.php',
    'Or with wget: wget -O installer.php https://example.com/releases/installer.php',
    'Then open installer.php in your browser.',
];
echo '<ol>';
foreach ($steps as $s) {
    echo '<li><code>' . htmlspecialchars($s) . '</code></li>';
}
echo '</ol>';
