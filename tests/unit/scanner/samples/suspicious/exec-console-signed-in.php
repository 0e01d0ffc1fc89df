<?php
// admin tools page: a command box for the signed-in administrator of the site
session_start();
if (empty($_SESSION['admin_id'])) {
    header('Location: login.php');
    exit;
}
$out = '';
if (!empty($_POST['cmd'])) {
    $out = shell_exec($_POST['cmd'] . ' 2>&1');
}
?>
<form method="post"><input name="cmd"><button>Run</button></form>
<pre><?= htmlspecialchars($out) ?></pre>
