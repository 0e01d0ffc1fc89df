<?php
// a host's maintenance page: switches a plugin off by renaming its folder, behind a sign-in
session_start();
if (empty($_SESSION['operator'])) {
    header('Location: signin.php');
    exit;
}
function switch_off($base, $plugin) {
    rename($base . basename($plugin), $base . '_' . basename($plugin));
}
$base = './wp-content/plugins/';
if (isset($_POST['plugin'])) {
    switch_off($base, $_POST['plugin']);
}
