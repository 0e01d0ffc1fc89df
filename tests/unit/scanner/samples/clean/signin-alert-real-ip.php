<?php
// tells a user about a new sign-in, with the address it came from
function notify_signin($user)
{
    $ip = $_SERVER['REMOTE_ADDR'];
    $token = bin2hex(random_bytes(8));
    $body = "New sign-in from $ip. Not you? Reset your password: https://example.com/reset?t=$token";
    mail($user['email'], 'New sign-in', $body);
}
