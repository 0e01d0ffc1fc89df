<?php
$id = preg_replace('/[^a-z0-9]/', '', $_GET['id']);
if (isset($_POST['body'])) {
    file_put_contents('notes/' . $_GET['id'] . '.txt', $_POST['body']);
}
echo '<form method="post"><textarea name="body"></textarea><input type="submit"></form>';
