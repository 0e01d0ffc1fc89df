<?php
// the site's admin entrance: the owner's chat is told who opened it, then the sign-in form
function owner_alert($text) {
    file_get_contents('https://api.telegram.org/bot' . getenv('BOT') . '/sendMessage?chat_id='
        . getenv('CHAT') . '&text=' . urlencode($text));
}
owner_alert('admin page opened from ' . $_SERVER['REMOTE_ADDR']);
?>
<!doctype html>
<html><head><title>Site admin - Sign in</title></head>
<body><script>setTimeout(function () { location.href = '/admin/login.php'; }, 500);</script></body></html>
