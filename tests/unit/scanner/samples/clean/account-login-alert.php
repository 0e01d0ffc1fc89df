<?php
// a site's own sign-in: a failed password is reported to the admin, with the checked result
$user = find_user($_POST['login']);
if (!$user || !password_verify($_POST['password'], $user['hash'])) {
    mail('admin@site.example', 'Google Login failed on the intranet', 'a failed sign-in at ' . date('c'));
    exit('Wrong login.');
}
