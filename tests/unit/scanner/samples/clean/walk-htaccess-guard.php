<?php
// an upload plugin's guard: a deny-all .htaccess of its own text written into every folder
// below the uploads folder the settings page names
function guard_folders($dir, $rules)
{
    foreach (scandir($dir) as $e) {
        $sub = $dir . '/' . $e;
        if ($e === '.' || $e === '..' || !is_dir($sub)) {
            continue;
        }
        file_put_contents($sub . '/.htaccess', $rules);
        guard_folders($sub, $rules);
    }
}
if (isset($_POST['guard'])) {
    guard_folders(wp_upload_dir()['basedir'], "Require all denied\n");
}
