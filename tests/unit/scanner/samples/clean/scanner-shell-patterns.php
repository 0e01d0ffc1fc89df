<?php
// a theme checker lists the patterns of known shells and counts them in the theme's files
if (!defined('ABSPATH')) { exit; }
$patterns = array();
$patterns[] = "/base64_decode/i";
$patterns[] = "/FilesMan/i";
$patterns[] = '#c99shell#i';
$patterns[] = "/r57shell/";
$found = 0;
foreach (glob(get_template_directory() . '/*.php') as $file) {
    $text = file_get_contents($file);
    foreach ($patterns as $pattern) {
        if (preg_match_all($pattern, $text, $m)) {
            $found += count($m[0]);
            echo esc_html(basename($file)) . ': ' . esc_html($pattern) . '<br>';
        }
    }
}
echo $found ? 'Entries found: ' . (int) $found : 'Nothing found';
