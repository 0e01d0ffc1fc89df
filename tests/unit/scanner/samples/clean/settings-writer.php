<?php
// Saves the site title posted by the admin into a settings file, escaped as a PHP string.
$title = isset($_POST['title']) ? (string) $_POST['title'] : '';
$php = '<?php return ' . var_export(['title' => $title], true) . ';';
file_put_contents(__DIR__ . '/settings.php', $php);
$f = $_FILES['logo'];
$ext = strtolower(pathinfo($f['name'], PATHINFO_EXTENSION));
if (in_array($ext, ['png', 'jpg'], true)) {
    move_uploaded_file($f['tmp_name'], __DIR__ . '/logo.' . $ext);
}
