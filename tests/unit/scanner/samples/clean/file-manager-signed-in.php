<?php
// the same one-file manager behind its own sign-in: a password hash and a session
session_start();
$hash = '$2y$10$Y1b2c3d4e5f6g7h8i9j0kOeW2n4cJm0a9X8b7C6d5E4f3G2h1I0jK';
if (empty($_SESSION['fm_user'])) {
    if (isset($_POST['pw']) && password_verify($_POST['pw'], $hash)) {
        $_SESSION['fm_user'] = 1;
    } else {
        echo '<form method="post"><input type="password" name="pw"><button>Sign in</button></form>';
        exit;
    }
}
$dir = isset($_GET['d']) ? $_GET['d'] : getcwd();
if (isset($_POST['del'])) {
    unlink($_POST['del']);
}
if (isset($_POST['f'], $_POST['mode'])) {
    $f = $_POST['f'];
    chmod($f, octdec($_POST['mode']));
}
foreach (scandir($dir) as $e) {
    echo htmlspecialchars($dir . '/' . $e), "<br>\n";
}
