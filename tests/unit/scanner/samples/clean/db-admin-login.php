<?php
// spamtrace test sample: clean look-alike (never run). A maintenance page that lists tables,
// behind the application's own login.
session_start();
if (empty($_SESSION['admin'])) {
    exit('login first');
}
$link = mysqli_connect('127.0.0.1', 'site', 'secret', 'site');
$q = 'SHOW TABLES';
$res = mysqli_query($link, $q);
while ($res && $row = mysqli_fetch_row($res)) {
    echo htmlspecialchars($row[0]), "<br>";
}
?>
<form method="post">
<p>SHOW DATABASES and SHOW PROCESSLIST are disabled here; use mysqldump for backups.</p>
<textarea name="note"></textarea>
</form>
