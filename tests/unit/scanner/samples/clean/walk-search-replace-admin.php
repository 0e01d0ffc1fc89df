<?php
// a site tool behind the admin's sign-in: the text the admin posts replaced in every
// template file of the theme folder, each file written back under its own name
if (!current_user_can('manage_options')) {
    exit;
}
function replace_in($dir, $from, $to)
{
    foreach (scandir($dir) as $e) {
        if ($e === '.' || $e === '..') {
            continue;
        }
        $path = $dir . '/' . $e;
        if (is_dir($path)) {
            replace_in($path, $from, $to);
        } elseif (substr($e, -5) === '.html') {
            file_put_contents($path, str_replace($from, $to, file_get_contents($path)));
        }
    }
}
if (isset($_POST['from'], $_POST['to'])) {
    replace_in(get_template_directory() . '/templates', $_POST['from'], $_POST['to']);
}
