<?php
// A form handler: each posted field is cleaned by the filter its name maps to.
$filters = ['email' => 'sanitize_email', 'name' => 'trim', 'age' => 'intval'];
$clean = [];
foreach ($_POST as $field => $value) {
    if (isset($filters[$field])) {
        $filter = $filters[$field];
        $clean[$field] = $filter($value);
    }
}
function sanitize_email($v) { return filter_var($v, FILTER_SANITIZE_EMAIL); }
echo json_encode($clean);
