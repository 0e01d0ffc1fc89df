<?php
// a form's helper that removes the visitor's own pending upload by its bare name
$name = basename($_POST['file'] ?? '');
$path = __DIR__ . '/tmp-uploads/' . $name;
if ($name !== '' && is_file($path)) {
    unlink($path);
    copy(__DIR__ . '/placeholder.png', __DIR__ . '/tmp-uploads/' . $name . '.png');
}
echo json_encode(['ok' => true]);
