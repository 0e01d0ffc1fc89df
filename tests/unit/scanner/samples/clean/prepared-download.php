<?php
// Serve a stored document by its public name: the path comes from the database row, bound
// to a variable by the prepared statement (bind_result fills $stored and $type by reference).
$name = isset($_GET['doc']) ? $_GET['doc'] : '';
if ($name === '') {
    exit('No document named.');
}
$db = new mysqli('localhost', 'docs', 'secret', 'docs');
$stmt = $db->prepare('SELECT stored_path, mime FROM documents WHERE public_name = ? LIMIT 1');
$stmt->bind_param('s', $name);
$stmt->execute();
$stmt->store_result();
if ($stmt->num_rows !== 1) {
    exit('Not found.');
}
$stmt->bind_result($stored, $type);
$stmt->fetch();
header("Content-Type: $type");
readfile("$stored");
