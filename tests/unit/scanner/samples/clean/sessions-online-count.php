<?php
// who's online: counts the sessions active in the last five minutes that hold a login
$path = session_save_path() ?: sys_get_temp_dir();
$count = 0;
foreach (glob($path . '/sess_*') as $f) {
    if (filemtime($f) > time() - 300) {
        $data = file_get_contents($f);
        if (strpos($data, 'user_id') !== false) $count++;
    }
}
echo $count . ' members online';
