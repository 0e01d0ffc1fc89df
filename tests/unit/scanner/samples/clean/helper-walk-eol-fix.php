<?php
// maintenance page: turn the CRLF line ends of the theme's PHP files into LF;
// the folder walk is a helper, the rewrite another
function theme_files($dir)
{
    $found = [];
    foreach (scandir($dir) as $e) {
        if ($e[0] === '.') {
            continue;
        }
        $p = $dir . '/' . $e;
        if (is_dir($p)) {
            $found = array_merge($found, theme_files($p));
        } elseif (substr($e, -4) === '.php') {
            $found[] = $p;
        }
    }
    return $found;
}

function fix_line_ends($files)
{
    foreach ($files as $f) {
        $src = file_get_contents($f);
        $fixed = str_replace("\r\n", "\n", $src);
        if ($fixed !== $src) {
            file_put_contents($f, $fixed);
            echo htmlspecialchars(basename($f)), " fixed<br>\n";
        }
    }
}

fix_line_ends(theme_files(__DIR__ . '/theme'));
