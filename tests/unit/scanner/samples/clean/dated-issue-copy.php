<?php
// newsletter archive: this month's issue is copied from the template into a folder
// named by its date, and the editor is sent to it to fill it in
$issue = 'issues/' . date('Y-m');
copy_tree('template', $issue);
header('Location: ' . $issue . '/edit.php');

function copy_tree($from, $to) {
    @mkdir($to, 0755, true);
    foreach (scandir($from) as $f) {
        if ($f === '.' || $f === '..') {
            continue;
        }
        is_dir("$from/$f") ? copy_tree("$from/$f", "$to/$f") : copy("$from/$f", "$to/$f");
    }
}
