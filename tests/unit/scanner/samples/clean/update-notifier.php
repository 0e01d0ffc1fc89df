<?php
// spamtrace test sample: clean look-alike (a plugin checks its vendor's release feed and
// mails the site's own administrator; the feed says what to write, never to whom).
function plugin_check_release(): void
{
    $feed = json_decode(file_get_contents('https://updates.example.org/plugin/latest.json'), true);
    if (!is_array($feed) || version_compare($feed['version'], '2.4.1', '<=')) {
        return;
    }
    $admin = get_option('admin_email');
    mail($admin, 'Plugin update ' . $feed['version'], $feed['notes']);
    $copies = get_option('notify_copies', []);
    foreach ($copies as $copy) {
        mail($copy, 'Plugin update available', $feed['notes']);
    }
}
