<?php
// variable variables for form fields, a COM object for a database on Windows, request
// values written into strings that are shown, never run
$n = 'user' . '_name';
$$n = 'guest';
foreach (['title', 'body'] as $field) {
    ${$field} = isset($_POST[$field]) ? trim($_POST[$field]) : '';
}
echo "<p>Thanks, $user_name: {$_POST['topic']}</p>";
if (class_exists('COM')) {
    $db = new COM('ADODB.Connection');
}
assert($title !== null);
