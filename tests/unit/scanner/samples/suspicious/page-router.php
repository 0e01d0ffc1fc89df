<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A small site's front page: includes the page the query names from its own pages/ folder.
// No whitelist, so "?page=../../etc/passwd%00" style tricks reach other files (local file
// inclusion: a hole, suspicious), but the request never names the whole path: no remote
// code, no php://input.
$page = isset($_GET['page']) ? $_GET['page'] : 'home';
?>
<html><body>
<?php include('pages/' . $_GET['page'] . '.php'); ?>
</body></html>
