<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A database admin page with no login: connects with posted credentials, runs posted SQL.
$link = mysqli_connect($_POST['host'], $_POST['user'], $_POST['pass']);
$q = isset($_POST['q']) ? $_POST['q'] : 'SHOW DATABASES';
$res = mysqli_query($link, $q);
while ($res && $row = mysqli_fetch_row($res)) {
    echo htmlspecialchars(implode(', ', $row)), "<br>";
}
?>
<form method="post">
<textarea name="q">SHOW TABLES</textarea>
<a href="?q=SHOW+PROCESSLIST">processes</a> <a href="?dump=1">mysqldump</a>
<input type="submit" value="Run">
</form>
