<?php
// test fixture: an admin-only "new sandbox" button of a site builder
if (!current_user_can('manage_options')) { wp_die('no'); }
function clone_dir($src, $dst) {
    @mkdir($dst);
    foreach (scandir($src) as $f) {
        if ($f[0] === '.') { continue; }
        is_dir("$src/$f") ? clone_dir("$src/$f", "$dst/$f") : copy("$src/$f", "$dst/$f");
    }
}
$id = 'sb-' . uniqid();
clone_dir(__DIR__ . '/skeleton', __DIR__ . '/sandboxes/' . $id);
header('Location: sandboxes/' . $id . '/');
