<?php
// a login check, and a notice of the login to the site's own address
$user = current_account();
if ($user && password_verify($_POST['password'], $user['hash'])) {
    $_SESSION['uid'] = $user['id'];
    $notice = "Login of " . $user['name'] . " at " . date('c') . "\n";
    mail("office@example.org", "Login", $notice);
}
